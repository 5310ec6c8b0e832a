import { createHash, randomBytes } from 'node:crypto';

/** Discord refused or failed an OAuth2 call; `status` 400/401 means the user must sign in again. */
export class DiscordOAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DiscordOAuthError';
  }
}

export interface OAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** The consent page. */
  readonly authorizeUrl: string;
  /** The REST base, `https://discord.com/api`. */
  readonly api: string;
}

export const SCOPES = 'identify guilds';

/** A PKCE pair (RFC 7636, S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Where the browser goes to consent. */
export function authorizeLocation(app: OAuthApp, state: string, challenge: string): string {
  const url = new URL(app.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    scope: SCOPES,
    state,
    redirect_uri: app.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'none',
  }).toString();
  return url.toString();
}

export interface DiscordUser {
  readonly id: string;
  readonly username: string;
  readonly global_name: string | null;
}

export interface PartialGuild {
  readonly id: string;
  readonly name: string;
  readonly owner: boolean;
  readonly permissions: string;
}

async function discordJson(url: string, init: RequestInit, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new DiscordOAuthError(503, 'unreachable', `${what}: Discord did not answer`, { cause: err });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const code = String(body.error ?? body.code ?? res.status);
    const detail = String(body.error_description ?? body.message ?? res.statusText);
    throw new DiscordOAuthError(res.status, code, `${what}: ${res.status} ${code}: ${detail}`);
  }
  return body;
}

/** Exchanges the code (with the PKCE verifier) for the user's access token. */
export async function exchangeCode(app: OAuthApp, code: string, verifier: string): Promise<string> {
  const body = (await discordJson(
    `${app.api}/v10/oauth2/token`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: app.redirectUri,
        code_verifier: verifier,
      }),
    },
    'token exchange',
  )) as { access_token?: unknown };
  if (typeof body.access_token !== 'string')
    throw new DiscordOAuthError(502, 'bad_response', 'token exchange: no access_token in the answer');
  return body.access_token;
}

/** The signed-in user (`identify`). */
export async function fetchUser(api: string, accessToken: string): Promise<DiscordUser> {
  const user = (await discordJson(
    `${api}/v10/users/@me`,
    { headers: { Authorization: `Bearer ${accessToken}` } },
    'current user',
  )) as Partial<DiscordUser>;
  if (typeof user.id !== 'string' || typeof user.username !== 'string')
    throw new DiscordOAuthError(502, 'bad_response', 'current user: no id or username in the answer');
  return { id: user.id, username: user.username, global_name: user.global_name ?? null };
}

/** The guilds the user is in, with their permissions as Discord reported them at the time (`guilds`). */
export async function fetchUserGuilds(api: string, accessToken: string): Promise<PartialGuild[]> {
  const guilds = await discordJson(
    `${api}/v10/users/@me/guilds`,
    { headers: { Authorization: `Bearer ${accessToken}` } },
    'user guilds',
  );
  if (!Array.isArray(guilds))
    throw new DiscordOAuthError(502, 'bad_response', 'user guilds: the answer is not a list');
  return guilds as PartialGuild[];
}
