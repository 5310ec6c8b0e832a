import type { Redis } from 'ioredis';
import { z } from 'zod';
import { redisKeys } from './redisKeys.ts';
import { swapById } from './swapById.ts';

/**
 * A guild's lockdown as the detector and the enforcer share it in Redis: which lockdown
 * holds (null for none), until when an admin asked it to hold at least (extend), and until
 * when the detector must not start another (after a false alarm).
 */
export interface LockdownState {
  readonly lockdownId: string | null;
  readonly since: number | null;
  readonly holdUntil: number | null;
  readonly suppressedUntil: number | null;
  /**
   * When the last lockdown ended (by the detector or an admin): the detector counts joins from
   * then on, so an admin's lift is not undone by the wave it answered.
   */
  readonly endedAt: number | null;
}

export const NO_LOCKDOWN: LockdownState = {
  lockdownId: null,
  since: null,
  holdUntil: null,
  suppressedUntil: null,
  endedAt: null,
};

const storedState = z.object({
  lockdownId: z.string().nullable().default(null),
  since: z.number().nullable().default(null),
  holdUntil: z.number().nullable().default(null),
  suppressedUntil: z.number().nullable().default(null),
  endedAt: z.number().nullable().default(null),
});

/**
 * A guild's shared lockdown record that is not JSON or not the record's shape. It is never read
 * as "no lockdown" (that would let a raid through, or start a second lockdown): the caller
 * reports it and retries.
 */
export class UnreadableLockdownStateError extends Error {
  readonly retryable = true;
  constructor(
    readonly guildId: string,
    readonly reason: string,
  ) {
    super(`the shared lockdown record of guild ${guildId} is unreadable: ${reason}`);
    this.name = 'UnreadableLockdownStateError';
  }
}

function parse(guildId: string, raw: string | null): LockdownState {
  if (!raw) return NO_LOCKDOWN;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new UnreadableLockdownStateError(
      guildId,
      `not JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const parsed = storedState.safeParse(json);
  if (!parsed.success) throw new UnreadableLockdownStateError(guildId, z.prettifyError(parsed.error));
  return parsed.data;
}

export async function readLockdownState(redis: Redis, guildId: string): Promise<LockdownState> {
  return parse(guildId, await redis.get(redisKeys.lockdownState(guildId)));
}

/** The states of many guilds in one round trip; throws UnreadableLockdownStateError for a broken record. */
export async function readLockdownStates(
  redis: Redis,
  guildIds: readonly string[],
): Promise<Map<string, LockdownState>> {
  const states = new Map<string, LockdownState>();
  if (guildIds.length === 0) return states;
  const raw = await redis.mget(...guildIds.map((g) => redisKeys.lockdownState(g)));
  guildIds.forEach((g, i) => {
    states.set(g, parse(g, raw[i] ?? null));
  });
  return states;
}

/**
 * Writes `next` only if the guild's current lockdown id is `expected` (null: none holds).
 * Returns whether it was written.
 */
export async function swapLockdownState(
  redis: Redis,
  guildId: string,
  expected: string | null,
  next: LockdownState,
): Promise<boolean> {
  return swapById(redis, redisKeys.lockdownState(guildId), 'lockdownId', expected, next);
}
