import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A signed-in admin, kept server-side; the browser holds only the random id in a cookie. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  /** The Discord access token, for the user's guild list. */
  readonly accessToken: string;
  /** Sent back in `X-CSRF-Token` on every change. */
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A sign-in under way: the PKCE verifier for the `state` the browser carries back. */
export interface PendingLogin {
  readonly verifier: string;
  readonly createdAt: number;
}

const LOGIN_TTL_SECONDS = 600;
const sessionKey = (id: string) => `chatguard:dashboard:session:${id}`;
const loginKey = (state: string) => `chatguard:dashboard:login:${state}`;

/** A random identifier an attacker cannot guess (256 bits). */
export const randomId = (): string => randomBytes(32).toString('base64url');

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Sessions and pending sign-ins in Redis, each expiring on its own. */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async startLogin(state: string, verifier: string): Promise<void> {
    const pending: PendingLogin = { verifier, createdAt: this.now() };
    await this.redis.set(loginKey(state), JSON.stringify(pending), 'EX', LOGIN_TTL_SECONDS);
  }

  /** The pending sign-in for a state, consumed: a state works once. */
  async takeLogin(state: string): Promise<PendingLogin | null> {
    const raw = await this.redis.getdel(loginKey(state));
    return raw ? (JSON.parse(raw) as PendingLogin) : null;
  }

  async create(user: { id: string; username: string }, accessToken: string): Promise<Session> {
    const createdAt = this.now();
    const session: Session = {
      id: randomId(),
      userId: user.id,
      username: user.username,
      accessToken,
      csrfToken: randomId(),
      createdAt,
      expiresAt: createdAt + this.ttlSeconds * 1000,
    };
    await this.redis.set(sessionKey(session.id), JSON.stringify(session), 'EX', this.ttlSeconds);
    return session;
  }

  /** The live session for a cookie value, or null when unknown or expired. */
  async get(id: string | undefined): Promise<Session | null> {
    if (!id || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
    const raw = await this.redis.get(sessionKey(id));
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > this.now() ? session : null;
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(sessionKey(id));
  }
}
