import type { Redis } from 'ioredis';

const key = {
  code: (nonce: string) => `chatguard:verify:code:${nonce}`,
  used: (nonce: string) => `chatguard:verify:used:${nonce}`,
  tokenTries: (nonce: string) => `chatguard:verify:tries:token:${nonce}`,
  addressTries: (addressHash: string) => `chatguard:verify:tries:addr:${addressHash}`,
  addresses: (guildId: string, addressHash: string) => `chatguard:verify:addr:${guildId}:${addressHash}`,
  seenInRaid: (userId: string) => `chatguard:verify:raid-seen:${userId}`,
  lastSweep: () => 'chatguard:verify:last-sweep',
  discordCheck: (guildId: string, userId: string) => `chatguard:verify:discord:${guildId}:${userId}`,
};

/** The limits on tries: per link, and per address (whatever links it holds), per window. */
export const TRY_LIMITS = { perToken: 10, perAddress: 30, windowSeconds: 600 } as const;

const RAID_MEMORY_SECONDS = 30 * 24 * 3600;

/** The member gate's hot state in Redis: challenge codes, spent links, rate limits, address hashes. */
export class GateRedis {
  constructor(private readonly redis: Redis) {}

  /** The code a link's challenge shows, made and kept until the link expires. */
  async challengeCode(nonce: string, expiresAt: number, make: () => string, now: number): Promise<string> {
    const ttl = Math.max(1, Math.ceil((expiresAt - now) / 1000));
    await this.redis.set(key.code(nonce), make(), 'EX', ttl, 'NX');
    const code = await this.redis.get(key.code(nonce));
    if (code === null) throw new Error('the challenge code vanished from Redis');
    return code;
  }

  /** A new code for the next try, so a wrong guess teaches nothing. */
  async replaceChallengeCode(nonce: string, expiresAt: number, code: string, now: number): Promise<void> {
    await this.redis.set(key.code(nonce), code, 'EX', Math.max(1, Math.ceil((expiresAt - now) / 1000)));
  }

  async isSpent(nonce: string): Promise<boolean> {
    return (await this.redis.exists(key.used(nonce))) === 1;
  }

  /** Spends a link; false when it was spent already (a replay). */
  async spend(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil((expiresAt - now) / 1000) + 60);
    return (await this.redis.set(key.used(nonce), '1', 'EX', ttl, 'NX')) === 'OK';
  }

  /** Counts a try against the link and the address; which limit it went over, if any. */
  async countTry(nonce: string, addressHash: string): Promise<'token' | 'address' | null> {
    const [tokenTries, addressTries] = await Promise.all([
      this.incr(key.tokenTries(nonce)),
      this.incr(key.addressTries(addressHash)),
    ]);
    if (tokenTries > TRY_LIMITS.perToken) return 'token';
    if (addressTries > TRY_LIMITS.perAddress) return 'address';
    return null;
  }

  private async incr(k: string): Promise<number> {
    const [[, count]] = (await this.redis
      .multi()
      .incr(k)
      .expire(k, TRY_LIMITS.windowSeconds, 'NX')
      .exec()) as [[Error | null, number]];
    return count;
  }

  /**
   * Notes that a user verified from an address (its keyed hash) and returns the other users seen
   * there within the window. The set expires with the window: no hash outlives it.
   */
  async noteAddress(guildId: string, addressHash: string, userId: string, now: number, windowDays: number) {
    const k = key.addresses(guildId, addressHash);
    const windowMs = windowDays * 24 * 3600_000;
    await this.redis
      .multi()
      .zremrangebyscore(k, '-inf', now - windowMs)
      .zadd(k, now, userId)
      .pexpire(k, windowMs)
      .exec();
    return (await this.redis.zrange(k, 0, -1)).filter((u) => u !== userId);
  }

  /** Remembers an account gated in a raid or failing the gate, for every guild's entry checks. */
  async markSeenInRaid(userId: string): Promise<void> {
    await this.redis.set(key.seenInRaid(userId), '1', 'EX', RAID_MEMORY_SECONDS);
  }

  async seenInRaid(userId: string): Promise<boolean> {
    return (await this.redis.exists(key.seenInRaid(userId))) === 1;
  }

  /** The link token behind a member's in-Discord check, kept as long as the link lives. */
  async saveDiscordCheck(guildId: string, userId: string, token: string, expiresAt: number, now: number) {
    const ttl = Math.max(1, Math.ceil((expiresAt - now) / 1000));
    await this.redis.set(key.discordCheck(guildId, userId), token, 'EX', ttl);
  }

  discordCheck(guildId: string, userId: string): Promise<string | null> {
    return this.redis.get(key.discordCheck(guildId, userId));
  }

  /** When a sweep last ran (ms), and records this one. */
  async swapLastSweep(now: number): Promise<number | null> {
    const previous = await this.redis.getset(key.lastSweep(), String(now));
    return previous === null ? null : Number(previous);
  }
}
