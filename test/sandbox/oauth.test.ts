import { createHash, randomBytes } from 'node:crypto';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIRECT = 'http://127.0.0.1:1/auth/callback';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 2, seed: 5, oauthRedirectUris: [REDIRECT] });
});
afterAll(async () => {
  await sandbox.close();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeQuery(challenge: string, overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    response_type: 'code',
    client_id: sandbox.oauth.clientId,
    scope: 'identify guilds',
    state: 'st-1',
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });
}

/** Submits the consent page as the user would and returns where the browser is sent. */
async function consent(query: URLSearchParams, userId: string, decision = 'authorize'): Promise<URL> {
  const res = await fetch(`${sandbox.oauth.authorizeUrl}?${query}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_id: userId, decision }),
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

async function token(body: Record<string, string>) {
  const res = await fetch(`${sandbox.api}/v10/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: sandbox.oauth.clientId,
      client_secret: sandbox.oauth.clientSecret,
      ...body,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ownerOf = (guildId: string): string => sandbox.state.guilds[guildId]?.ownerId ?? '';

describe('the sandbox’s Discord OAuth2', () => {
  it('signs a user in with a code and PKCE, then answers /users/@me and /users/@me/guilds for the token', async () => {
    const guildId = sandbox.guilds[0] ?? '';
    const { verifier, challenge } = pkce();
    const page = await fetch(`${sandbox.oauth.authorizeUrl}?${authorizeQuery(challenge)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(ownerOf(guildId));

    const back = await consent(authorizeQuery(challenge), ownerOf(guildId));
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') ?? '';
    const granted = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 604800,
      scope: 'identify guilds',
    });

    const auth = { Authorization: `Bearer ${granted.body.access_token}` };
    const me = (await (await fetch(`${sandbox.api}/v10/users/@me`, { headers: auth })).json()) as {
      id: string;
    };
    expect(me.id).toBe(ownerOf(guildId));
    const guilds = (await (await fetch(`${sandbox.api}/v10/users/@me/guilds`, { headers: auth })).json()) as {
      id: string;
      owner: boolean;
      permissions: string;
    }[];
    const mine = guilds.find((g) => g.id === guildId);
    expect(mine?.owner).toBe(true);
    expect(BigInt(mine?.permissions ?? '0') & 0x20n).toBe(0x20n);

    // A code works once.
    const again = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(again).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid "code" in request.' },
    });
  });

  it('refuses a wrong code verifier, a wrong secret and a bearer token without the scope, as Discord does', async () => {
    const userId = ownerOf(sandbox.guilds[0] ?? '');
    const { challenge } = pkce();
    const back = await consent(authorizeQuery(challenge), userId);
    const wrongVerifier = await token({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');

    const badClient = await token({ client_secret: 'nope', grant_type: 'authorization_code', code: 'x' });
    expect(badClient).toEqual({ status: 401, body: { error: 'invalid_client' } });

    const identifyOnly = authorizeQuery(challenge, { scope: 'identify', code_challenge: '' });
    identifyOnly.delete('code_challenge');
    identifyOnly.delete('code_challenge_method');
    const code = (await consent(identifyOnly, userId)).searchParams.get('code') ?? '';
    const granted = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    const res = await fetch(`${sandbox.api}/v10/users/@me/guilds`, {
      headers: { Authorization: `Bearer ${granted.body.access_token}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('sends a cancelled consent back with access_denied and the state, and shows an unregistered redirect as an error page', async () => {
    const { challenge } = pkce();
    const back = await consent(authorizeQuery(challenge), ownerOf(sandbox.guilds[0] ?? ''), 'cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.has('code')).toBe(false);

    const page = await fetch(
      `${sandbox.oauth.authorizeUrl}?${authorizeQuery(challenge, { redirect_uri: 'https://evil.example/cb' })}`,
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Invalid OAuth2 redirect_uri');
  });

  it('answers /users/@me for the bot token as before, and 401 for an unknown bearer token', async () => {
    const bot = await fetch(`${sandbox.api}/v10/users/@me`, {
      headers: { Authorization: `Bot ${sandbox.token}` },
    });
    expect(((await bot.json()) as { id: string }).id).toBe(sandbox.botUserId);
    const stranger = await fetch(`${sandbox.api}/v10/users/@me`, {
      headers: { Authorization: 'Bearer made-up' },
    });
    expect(stranger.status).toBe(401);
  });
});
