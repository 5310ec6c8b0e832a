import type { Redis } from 'ioredis';
import { z } from 'zod';
import { redisKeys } from './redisKeys.ts';
import { swapById } from './swapById.ts';

/**
 * A guild's gate (the detector's gentle step) as the detector keeps it in Redis: which gate
 * holds (null for none), since when, and when the last one ended, by the detector or by an
 * admin's "End gate" (joins before then no longer count towards a new step).
 */
export const gateStateSchema = z.object({
  gateId: z.string().nullable(),
  since: z.number().nullable(),
  endedAt: z.number().nullable(),
});
export type GateState = z.infer<typeof gateStateSchema>;

export const NO_GATE: GateState = { gateId: null, since: null, endedAt: null };

/** A stored gate state that does not parse: reported, never read as "no gate". */
export class GateStateError extends Error {
  constructor(guildId: string, options?: ErrorOptions) {
    super(`the gate state of guild ${guildId} in Redis is unreadable`, options);
    this.name = 'GateStateError';
  }
}

function parse(guildId: string, raw: string | null): GateState {
  if (!raw) return NO_GATE;
  try {
    return gateStateSchema.parse(JSON.parse(raw));
  } catch (err) {
    throw new GateStateError(guildId, { cause: err });
  }
}

/** The gate states of many guilds in one round trip. */
export async function readGateStates(
  redis: Redis,
  guildIds: readonly string[],
): Promise<Map<string, GateState>> {
  const states = new Map<string, GateState>();
  if (guildIds.length === 0) return states;
  const raw = await redis.mget(...guildIds.map((g) => redisKeys.gateState(g)));
  guildIds.forEach((g, i) => {
    states.set(g, parse(g, raw[i] ?? null));
  });
  return states;
}

/** Writes `next` only if the guild's current gate id is `expected` (null: none holds). */
export async function swapGateState(
  redis: Redis,
  guildId: string,
  expected: string | null,
  next: GateState,
): Promise<boolean> {
  return swapById(redis, redisKeys.gateState(guildId), 'gateId', expected, gateStateSchema.parse(next));
}
