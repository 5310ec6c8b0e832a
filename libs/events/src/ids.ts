import { z } from 'zod';

/** A Discord snowflake as a decimal string. */
export const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord snowflake (digits only)');

/** Milliseconds since the Unix epoch. */
export const epochMs = z.number().int().nonnegative();

const DISCORD_EPOCH_MS = 1420070400000n;

/** When the Discord object behind a snowflake was created, in ms since the Unix epoch. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}
