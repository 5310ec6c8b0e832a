import type { EventBus } from '@chat-guard/bus';
import type { DiscordPort } from '@chat-guard/discord';
import type { Database } from '@chat-guard/store';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { BotRest, GuildView } from './guildAccess.ts';
import type { LiveHub } from './liveHub.ts';
import type { OAuthApp } from './oauthClient.ts';
import { auditRoutes } from './routes/auditRoutes.ts';
import { authRoutes, SESSION_COOKIE } from './routes/authRoutes.ts';
import { configRoutes } from './routes/configRoutes.ts';
import { guildRoutes } from './routes/guildRoutes.ts';
import { inviteRoutes } from './routes/inviteRoutes.ts';
import { liveRoutes } from './routes/liveRoutes.ts';
import { lockdownRoutes } from './routes/lockdownRoutes.ts';
import { memberRoutes } from './routes/memberRoutes.ts';
import { profileRoutes } from './routes/profileRoutes.ts';
import { type Session, type SessionStore, sameSecret } from './sessionStore.ts';
import type { UserNames } from './userNames.ts';

/** What the web app runs on; main.ts builds it, tests build their own. */
export interface DashboardDeps {
  readonly sessions: SessionStore;
  readonly oauth: OAuthApp;
  readonly botRest: BotRest;
  /** The bot's calls the dashboard makes itself: campaign invites, channels, the guild's own invites. */
  readonly discord: Pick<
    DiscordPort,
    'createInvite' | 'deleteInvite' | 'listChannels' | 'listInvites' | 'vanityCode'
  >;
  readonly db: Kysely<Database>;
  readonly redis: Redis;
  readonly bus: EventBus;
  readonly live: LiveHub;
  /** Users' names for ids shown on the pages. */
  readonly names: UserNames;
  /** The origin browsers use; a change from any other Origin is refused. */
  readonly publicOrigin: string;
  /** The built front end, or null to serve the API only. */
  readonly staticDir: string | null;
  readonly now: () => number;
  /** Reports failures the app answers with 500 (the service's logger). */
  readonly onError: (err: unknown, where: string) => void;
}

export type AppEnv = {
  Variables: { session: Session; guild: GuildView; permissions: bigint };
};

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_BODY_BYTES = 64 * 1024;

/** The dashboard's HTTP app: sign-in, the JSON API under /api, live events, the front end. */
export function createWebApp(deps: DashboardDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
    }),
  );
  app.onError((err, c) => {
    deps.onError(err, `${c.req.method} ${c.req.path}`);
    return c.json(
      { error: 'internal', message: 'Something went wrong on the server; nothing was changed.' },
      500,
    );
  });

  app.route('/auth', authRoutes(deps));

  // No request body is read past this size, whatever the route (settings are a few kilobytes).
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          { error: 'too-large', errors: [{ field: '(body)', message: `at most ${MAX_BODY_BYTES} bytes` }] },
          413,
        ),
    }),
  );
  // Every API call needs a live session; every change also the session's CSRF token and our Origin.
  app.use('/api/*', async (c, next) => {
    const session = await deps.sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) return c.json({ error: 'unauthenticated', message: 'Sign in again.' }, 401);
    if (CHANGES.has(c.req.method)) {
      const token = c.req.header('x-csrf-token') ?? '';
      const origin = c.req.header('origin');
      if (!sameSecret(token, session.csrfToken) || (origin !== undefined && origin !== deps.publicOrigin))
        return c.json(
          { error: 'csrf', message: 'The request lacked a valid CSRF token; nothing was changed.' },
          403,
        );
    }
    c.set('session', session);
    await next();
  });
  app.get('/api/session', (c) => {
    const s = c.get('session');
    return c.json({
      user: { id: s.userId, username: s.username },
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt,
    });
  });
  app.route('/api/guilds', guildRoutes(deps));
  app.route('/api/guilds', configRoutes(deps));
  app.route('/api/guilds', auditRoutes(deps));
  app.route('/api/guilds', lockdownRoutes(deps));
  app.route('/api/guilds', liveRoutes(deps));
  app.route('/api/guilds', inviteRoutes(deps));
  app.route('/api/guilds', memberRoutes(deps));
  app.route('/api/profiles', profileRoutes(deps));
  app.all('/api/*', (c) => c.json({ error: 'not-found', message: 'No such API route.' }, 404));

  if (deps.staticDir) {
    const root = deps.staticDir;
    app.use('/assets/*', serveStatic({ root }));
    // The front end routes in the URL fragment: every other path is the app's page.
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  return app;
}
