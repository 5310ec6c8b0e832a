import type { SandboxOAuth } from '../oauth.ts';
import { apiUser, userOf } from '../payloads.ts';
import { ok, type RestRequest, type RouteDef } from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';

const unauthorized = { status: 401, body: { message: '401: Unauthorized', code: 0 } };

function formBody(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The current user for a bot token or an OAuth bearer token with the scope, or null. */
function currentUser(req: RestRequest, core: SandboxCore, oauth: SandboxOAuth, scope: string) {
  if (req.authorization === `Bot ${core.state.token}`) return core.state.botUserId;
  const grant = oauth.bearer(req.authorization);
  return grant?.scopes.includes(scope) ? grant.userId : null;
}

/** The token endpoint and what a user's OAuth token reads: `/users/@me` and `/users/@me/guilds`. */
export function oauthRoutes(oauth: SandboxOAuth): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/oauth2/token',
      auth: false,
      handle: (req) => oauth.exchange(formBody(req.body), req.authorization),
    },
    {
      method: 'GET',
      path: '/users/@me',
      auth: 'oauth',
      handle(req, core) {
        const userId = currentUser(req, core, oauth, 'identify');
        if (!userId) return unauthorized;
        return ok({
          ...apiUser(userOf(core.state, userId)),
          ...(userId === core.state.botUserId ? { verified: true } : {}),
          mfa_enabled: false,
          locale: 'en-US',
          premium_type: 0,
        });
      },
    },
    {
      method: 'GET',
      path: '/users/@me/guilds',
      auth: 'oauth',
      handle(req, core) {
        const userId = currentUser(req, core, oauth, 'guilds');
        if (!userId) return unauthorized;
        return ok(oauth.guildsOf(userId));
      },
    },
  ];
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The consent page at `/oauth2/authorize`: GET shows it, POST is the user's answer. */
export function authorizePage(
  oauth: SandboxOAuth,
  method: string,
  query: URLSearchParams,
  form: Record<string, string>,
): { status: number; headers: Record<string, string>; body: string } {
  const html = (status: number, content: string) => ({
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>Discord sandbox: authorize</title></head><body>${content}</body></html>`,
  });
  if (method === 'POST') {
    const outcome = oauth.decide(
      query,
      form.user_id_other || form.user_id || null,
      form.decision === 'authorize',
    );
    if (outcome.kind === 'error') return html(400, `<h1>${escapeHtml(outcome.message)}</h1>`);
    return { status: 302, headers: { Location: outcome.location }, body: '' };
  }
  const problem = oauth.check(query);
  if (problem) return html(400, `<h1>${escapeHtml(problem)}</h1>`);
  const options = oauth
    .candidates()
    .map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.label)}</option>`)
    .join('');
  return html(
    200,
    `<h1>Sign in to the Discord sandbox</h1>
<p>An application wants to: ${escapeHtml(query.get('scope') ?? '')}</p>
<form method="post" action="/oauth2/authorize?${escapeHtml(query.toString())}">
<label>Sign in as <select name="user_id">${options}</select></label>
<label>or user id <input name="user_id_other" pattern="\\d+"></label>
<button name="decision" value="authorize">Authorize</button>
<button name="decision" value="cancel">Cancel</button>
</form>`,
  );
}
