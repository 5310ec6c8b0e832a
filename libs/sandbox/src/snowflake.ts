/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH_MS = 1420070400000n;

/** The creation time a snowflake encodes, in milliseconds since the Unix epoch. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}

/** A snowflake for a time in milliseconds; `low` fills the 22 worker/process/increment bits. */
export function snowflakeAt(timestampMs: number, low = 0): string {
  const ms = BigInt(Math.floor(timestampMs)) - DISCORD_EPOCH_MS;
  if (ms < 0n) throw new RangeError(`time ${timestampMs} is before Discord's epoch`);
  return ((ms << 22n) | BigInt(low & 0x3fffff)).toString();
}

/** The shard that receives a guild's events: `(guild_id >> 22) % shard_count`. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Makes unique, time-ordered snowflakes from a clock, like one Discord worker. */
export class SnowflakeFactory {
  #increment = 0;
  #lastMs = -1;

  constructor(
    private readonly now: () => number,
    private readonly worker = 1,
  ) {}

  /** A new snowflake for the current time (or `atMs`, e.g. an account's creation time). */
  next(atMs?: number): string {
    let ms = Math.floor(atMs ?? this.now());
    if (atMs === undefined) {
      // Never go back in time, so ids stay ordered like Discord's.
      ms = Math.max(ms, this.#lastMs);
      this.#lastMs = ms;
    }
    this.#increment = (this.#increment + 1) & 0xfff;
    return snowflakeAt(ms, (this.worker << 17) | this.#increment);
  }
}
