import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long a live view's lease lasts unless renewed: a replica that dies frees its views by then. */
export const LEASE_MS = 60_000;

const leasesKey = (userId: string) => `chatguard:dashboard:live:${userId}`;

// Drops expired leases, then takes one if the user holds fewer than the cap, across all replicas.
// KEYS[1] the user's leases; ARGV now, lease ms, cap, lease id. Returns 1 when taken.
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * The open live connections (SSE). Each user holds a bounded number across every replica (a
 * lease per view in Redis, renewed while it is open), and sign-out closes theirs everywhere.
 */
export class LiveHub {
  readonly #bySession = new Map<string, Set<() => void>>();
  readonly #leases = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly maxPerUser: number,
    /** Tells the other replicas a session ended (they close its connections too). */
    private readonly announceEnd: (sessionId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a connection; resolves with its release, or null when the user is at the cap. */
  async open(sessionId: string, userId: string, close: () => void): Promise<(() => Promise<void>) | null> {
    const lease = randomUUID();
    const taken = await this.redis.eval(
      TAKE,
      1,
      leasesKey(userId),
      this.now(),
      LEASE_MS,
      this.maxPerUser,
      lease,
    );
    if (taken !== 1) return null;
    this.#leases.set(lease, userId);
    const set = this.#bySession.get(sessionId) ?? new Set();
    set.add(close);
    this.#bySession.set(sessionId, set);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      set.delete(close);
      if (set.size === 0) this.#bySession.delete(sessionId);
      this.#leases.delete(lease);
      await this.redis.zrem(leasesKey(userId), lease);
    };
  }

  /** Renews this replica's leases; call it more often than LEASE_MS. */
  async renew(): Promise<void> {
    const until = this.now() + LEASE_MS;
    const pipeline = this.redis.pipeline();
    for (const [lease, userId] of this.#leases) {
      pipeline.zadd(leasesKey(userId), 'XX', until, lease);
      pipeline.pexpire(leasesKey(userId), LEASE_MS);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** Sign-out: closes the session's connections here and asks the other replicas to. */
  endSession(sessionId: string): void {
    this.announceEnd(sessionId);
    this.closeLocal(sessionId);
  }

  closeLocal(sessionId: string): void {
    for (const close of [...(this.#bySession.get(sessionId) ?? [])]) close();
  }

  closeAll(): void {
    for (const sessionId of [...this.#bySession.keys()]) this.closeLocal(sessionId);
  }
}
