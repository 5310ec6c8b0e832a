import { randomInt } from 'node:crypto';

const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** A fresh Discord-style snowflake for a request the dashboard makes (one click, one id). */
export function snowflakeAt(ms: number): string {
  return ((BigInt(ms) - DISCORD_EPOCH_MS) * 4_194_304n + BigInt(randomInt(4_194_304))).toString();
}
