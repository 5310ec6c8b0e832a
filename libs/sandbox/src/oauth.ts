import { createHash, randomBytes } from 'node:crypto';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { basePermissions } from './permissions.ts';
import type { SandboxState } from './sandboxState.ts';

/** The scopes Discord knows; any other is refused with `invalid_scope`. */
const KNOWN_SCOPES = new Set([
  'identify',
  'email',
  'guilds',
  'guilds.join',
  'guilds.members.read',
  'connections',
  'bot',
  'applications.commands',
]);

/** Discord's access tokens last a week; codes a few minutes. */
export const ACCESS_TOKEN_TTL_SECONDS = 604_800;
const CODE_TTL_MS = 10 * 60_000;

interface CodeGrant {
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly redirectUri: string;
  readonly codeChallenge: string | null;
  readonly expiresAt: number;
}

/** Who an access token speaks for, with which scopes. */
export interface TokenGrant {
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

/** An answer of the token endpoint: Discord's OAuth2 (RFC 6749) error shape on failure. */
export interface OAuthAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Where the authorize page sends the browser, or the error it shows itself (Discord does not redirect to an unregistered URI). */
export type AuthorizeOutcome =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'error'; readonly message: string };

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

const oauthError = (status: number, error: string, description?: string): OAuthAnswer => ({
  status,
  body: description === undefined ? { error } : { error, error_description: description },
});

/**
 * Discord's OAuth2 authorization-code grant (with PKCE), as the sandbox plays it: the consent
 * page's decision, the code exchange and refresh, and bearer tokens for `/users/@me`.
 */
export class SandboxOAuth {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #refreshTokens = new Map<string, { userId: string; scopes: readonly string[] }>();

  constructor(
    private readonly state: SandboxState,
    readonly clientSecret: string,
    /** Registered redirect URIs; the authorize page refuses any other. */
    readonly redirectUris: Set<string>,
    private readonly now: () => number,
  ) {}

  /** Checks an authorize request before the page is shown: the error Discord's page would show, or null. */
  check(query: URLSearchParams): string | null {
    if (query.get('client_id') !== this.state.application.id) return 'Unknown Application';
    const redirect = query.get('redirect_uri');
    if (!redirect || !this.redirectUris.has(redirect)) return 'Invalid OAuth2 redirect_uri';
    if (query.get('response_type') !== 'code') return 'Invalid response_type';
    return null;
  }

  /** The user's answer on the consent page: a redirect with a code, or with `error=access_denied`. */
  decide(query: URLSearchParams, userId: string | null, approve: boolean): AuthorizeOutcome {
    const problem = this.check(query);
    if (problem) return { kind: 'error', message: problem };
    const redirect = new URL(query.get('redirect_uri') ?? '');
    const state = query.get('state');
    const back = (params: Record<string, string>): AuthorizeOutcome => {
      for (const [k, v] of Object.entries(params)) redirect.searchParams.set(k, v);
      if (state !== null) redirect.searchParams.set('state', state);
      return { kind: 'redirect', location: redirect.toString() };
    };
    const scopes = (query.get('scope') ?? '').split(/[ +]/).filter(Boolean);
    const unknownScope = scopes.find((s) => !KNOWN_SCOPES.has(s));
    if (scopes.length === 0 || unknownScope)
      return back({
        error: 'invalid_scope',
        error_description: 'The requested scope is invalid, unknown, or malformed.',
      });
    const method = query.get('code_challenge_method');
    const challenge = query.get('code_challenge');
    if (challenge !== null && method !== 'S256')
      return back({ error: 'invalid_request', error_description: 'Invalid code_challenge_method' });
    if (!approve)
      return back({
        error: 'access_denied',
        error_description: 'The resource owner or authorization server denied the request',
      });
    if (!userId || !this.state.users[userId] || this.state.users[userId]?.bot)
      return { kind: 'error', message: 'Unknown User' };
    const code = token(24);
    this.#codes.set(code, {
      userId,
      scopes,
      redirectUri: query.get('redirect_uri') ?? '',
      codeChallenge: challenge,
      expiresAt: this.now() + CODE_TTL_MS,
    });
    return back({ code });
  }

  /** `POST /oauth2/token`: exchanges a code (or a refresh token) for an access token. */
  exchange(body: Record<string, string>, authorization: string | null): OAuthAnswer {
    const client = clientCredentials(body, authorization);
    if (client.id !== this.state.application.id || client.secret !== this.clientSecret)
      return oauthError(401, 'invalid_client');
    if (body.grant_type === 'refresh_token') {
      const grant = this.#refreshTokens.get(body.refresh_token ?? '');
      if (!grant) return oauthError(400, 'invalid_grant', 'Invalid "refresh_token" in request.');
      this.#refreshTokens.delete(body.refresh_token ?? '');
      return this.#issue(grant.userId, grant.scopes);
    }
    if (body.grant_type !== 'authorization_code') return oauthError(400, 'unsupported_grant_type');
    const code = body.code ?? '';
    const grant = this.#codes.get(code);
    // A code works once, and only before it expires.
    this.#codes.delete(code);
    if (!grant || grant.expiresAt < this.now())
      return oauthError(400, 'invalid_grant', 'Invalid "code" in request.');
    if (body.redirect_uri !== grant.redirectUri)
      return oauthError(400, 'invalid_grant', 'Invalid "redirect_uri" in request.');
    if (grant.codeChallenge !== null) {
      const verifier = body.code_verifier ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (verifier.length < 43 || computed !== grant.codeChallenge)
        return oauthError(400, 'invalid_grant', 'Invalid "code_verifier" in request.');
    }
    return this.#issue(grant.userId, grant.scopes);
  }

  #issue(userId: string, scopes: readonly string[]): OAuthAnswer {
    const access = token(24);
    const refresh = token(24);
    this.#tokens.set(access, { userId, scopes, expiresAt: this.now() + ACCESS_TOKEN_TTL_SECONDS * 1000 });
    this.#refreshTokens.set(refresh, { userId, scopes });
    return {
      status: 200,
      body: {
        access_token: access,
        token_type: 'Bearer',
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        refresh_token: refresh,
        scope: scopes.join(' '),
      },
    };
  }

  /** The grant behind an `Authorization: Bearer …` header, or null when unknown or expired. */
  bearer(authorization: string | null): TokenGrant | null {
    if (!authorization?.startsWith('Bearer ')) return null;
    const grant = this.#tokens.get(authorization.slice('Bearer '.length));
    return grant && grant.expiresAt > this.now() ? grant : null;
  }

  /** Ends an access token early (what revoking the app does), for tests of an expired session. */
  revokeUser(userId: string): void {
    for (const [key, grant] of this.#tokens) if (grant.userId === userId) this.#tokens.delete(key);
  }

  /** `GET /users/@me/guilds` for a user: the guilds they are in, with their permissions there. */
  guildsOf(userId: string): Record<string, unknown>[] {
    return Object.values(this.state.guilds)
      .filter((g) => g.members[userId] !== undefined)
      .map((g) => ({
        id: g.id,
        name: g.name,
        icon: null,
        banner: null,
        owner: g.ownerId === userId,
        permissions: basePermissions(g, userId).toString(),
        features: [],
      }));
  }

  /** Who may be picked on the consent page: each guild's owner and members who manage it first. */
  candidates(limit = 40): { id: string; label: string }[] {
    const seen = new Map<string, string>();
    for (const guild of Object.values(this.state.guilds)) {
      for (const userId of Object.keys(guild.members)) {
        const user = this.state.users[userId];
        if (!user || user.bot || seen.has(userId)) continue;
        const manages = (basePermissions(guild, userId) & PermissionFlagsBits.ManageGuild) !== 0n;
        if (manages) seen.set(userId, `${user.globalName ?? user.username} (manages ${guild.name})`);
      }
    }
    return [...seen].slice(0, limit).map(([id, label]) => ({ id, label }));
  }
}

function clientCredentials(
  body: Record<string, string>,
  authorization: string | null,
): { id: string | undefined; secret: string | undefined } {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return { id: body.client_id, secret: body.client_secret };
}
