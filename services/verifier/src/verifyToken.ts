import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How long a Verify link works. */
export const TOKEN_LIFETIME_MS = 10 * 60_000;

const claimsSchema = z.strictObject({
  /** Guild, user and join: the verification the link belongs to. */
  g: z.string().regex(/^\d{1,20}$/),
  u: z.string().regex(/^\d{1,20}$/),
  j: z.number().int().nonnegative(),
  /** Expiry, ms since the epoch. */
  e: z.number().int().nonnegative(),
  /** A random id: what makes the link single-use. */
  n: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
});

export interface TokenClaims {
  readonly guildId: string;
  readonly userId: string;
  readonly joinedAt: number;
  readonly expiresAt: number;
  readonly nonce: string;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'forged' | 'expired' };

const sign = (body: string, secret: string) =>
  createHmac('sha256', `verify-token:${secret}`).update(body).digest('base64url');

/** A one-time link token bound to the guild, the user and their join, valid for 10 minutes. */
export function issueToken(
  member: { readonly guildId: string; readonly userId: string; readonly joinedAt: number },
  secret: string,
  now: number,
): { readonly token: string; readonly claims: TokenClaims } {
  const claims = {
    g: member.guildId,
    u: member.userId,
    j: member.joinedAt,
    e: now + TOKEN_LIFETIME_MS,
    n: randomBytes(16).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${body}.${sign(body, secret)}`, claims: toClaims(claims) };
}

/** Checks a token's signature, shape and expiry; whether it was used is the caller's to check. */
export function checkToken(token: string, secret: string, now: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 2 || token.length > 512) return { ok: false, reason: 'malformed' };
  const [body = '', signature = ''] = parts;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'forged' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims = claimsSchema.safeParse(parsed);
  if (!claims.success) return { ok: false, reason: 'malformed' };
  if (claims.data.e <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: toClaims(claims.data) };
}

function toClaims(c: z.infer<typeof claimsSchema>): TokenClaims {
  return { guildId: c.g, userId: c.u, joinedAt: c.j, expiresAt: c.e, nonce: c.n };
}
