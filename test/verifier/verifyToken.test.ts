import { describe, expect, it } from 'vitest';
import { checkToken, issueToken, TOKEN_LIFETIME_MS } from '../../services/verifier/src/verifyToken.ts';

const secret = 'a-test-secret-of-at-least-32-characters';
const member = { guildId: '111111111111111111', userId: '222222222222222222', joinedAt: 1_700_000_000_000 };
const now = 1_800_000_000_000;

const reclaim = (token: string, change: Record<string, unknown>) => {
  const [body = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  return `${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${signature}`;
};

describe('Verify link tokens', () => {
  it('round-trip the guild, the user and the join, with a 10-minute expiry and a nonce', () => {
    const { token } = issueToken(member, secret, now);
    const check = checkToken(token, secret, now + 1000);
    expect(check).toMatchObject({ ok: true, claims: { ...member, expiresAt: now + TOKEN_LIFETIME_MS } });
  });

  it('give each link its own nonce, so spending one spends no other', () => {
    const a = checkToken(issueToken(member, secret, now).token, secret, now);
    const b = checkToken(issueToken(member, secret, now).token, secret, now);
    expect(a.ok && b.ok && a.claims.nonce !== b.claims.nonce).toBe(true);
  });

  it.each([
    ['another user', { u: '333333333333333333' }],
    ['another guild', { g: '444444444444444444' }],
    ['a later expiry', { e: now + 10 * TOKEN_LIFETIME_MS }],
  ])('refuse a token whose claims were changed to %s as forged', (_what, change) => {
    const { token } = issueToken(member, secret, now);
    expect(checkToken(reclaim(token, change), secret, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuse a token signed with another secret as forged, and one past its expiry as expired', () => {
    const { token } = issueToken(member, secret, now);
    expect(checkToken(token, `${secret}-other`, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkToken(token, secret, now + TOKEN_LIFETIME_MS)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each(['', 'abc', 'a.b.c', `${'x'.repeat(600)}.y`])('refuse %j as malformed or forged', (token) => {
    const check = checkToken(token, secret, now);
    expect(check.ok).toBe(false);
  });
});
