import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authorizeLocation, DiscordOAuthError, exchangeCode, fetchUser, pkcePair } from '../oauthClient.ts';
import { randomId, sameSecret } from '../sessionStore.ts';
import type { DashboardDeps } from '../webApp.ts';

export const SESSION_COOKIE = 'cg_session';
const LOGIN_COOKIE = 'cg_login';
const cookieBase = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' } as const;

const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p><p><a href="/auth/login">Sign in again</a></p></body></html>`;

/** Sign-in with Discord (authorization code + PKCE, `state` bound to the browser), and sign-out. */
export function authRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();

  app.get('/login', async (c) => {
    const state = randomId();
    const { verifier, challenge } = pkcePair();
    await deps.sessions.startLogin(state, verifier);
    setCookie(c, LOGIN_COOKIE, state, { ...cookieBase, maxAge: 600 });
    return c.redirect(authorizeLocation(deps.oauth, state, challenge), 302);
  });

  app.get('/callback', async (c) => {
    const state = c.req.query('state') ?? '';
    const cookieState = getCookie(c, LOGIN_COOKIE) ?? '';
    deleteCookie(c, LOGIN_COOKIE, cookieBase);
    // The state must be the one this browser started with, and not used before.
    if (!state || !sameSecret(state, cookieState))
      return c.html(
        page('Sign-in refused', 'The sign-in did not start in this browser (state mismatch).'),
        403,
      );
    const pending = await deps.sessions.takeLogin(state);
    if (!pending) return c.html(page('Sign-in refused', 'This sign-in expired or was already used.'), 403);
    const denied = c.req.query('error');
    if (denied)
      return c.html(page('Sign-in cancelled', `Discord answered: ${denied.replace(/[^\w .-]/g, '')}.`), 401);
    const code = c.req.query('code');
    if (!code) return c.html(page('Sign-in refused', 'Discord sent no code.'), 400);
    try {
      const accessToken = await exchangeCode(deps.oauth, code, pending.verifier);
      const user = await fetchUser(deps.oauth.api, accessToken);
      const session = await deps.sessions.create(
        { id: user.id, username: user.global_name ?? user.username },
        accessToken,
      );
      setCookie(c, SESSION_COOKIE, session.id, {
        ...cookieBase,
        maxAge: Math.floor((session.expiresAt - session.createdAt) / 1000),
      });
      return c.redirect('/', 302);
    } catch (err) {
      if (err instanceof DiscordOAuthError && err.status < 500)
        return c.html(page('Sign-in refused', `Discord refused the sign-in (${err.code}).`), 401);
      throw err;
    }
  });

  app.post('/logout', async (c) => {
    const session = await deps.sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) return c.json({ error: 'unauthenticated', message: 'Not signed in.' }, 401);
    if (!sameSecret(c.req.header('x-csrf-token') ?? '', session.csrfToken))
      return c.json({ error: 'csrf', message: 'The request lacked a valid CSRF token.' }, 403);
    await deps.sessions.destroy(session.id);
    deps.live.endSession(session.id);
    deleteCookie(c, SESSION_COOKIE, cookieBase);
    return c.json({ ok: true });
  });
  return app;
}
