import type { Redis } from 'ioredis';

/** Hash channel id → `<guild id>:<last message id published>`. */
const CURSORS_KEY = 'chatguard:gateway:channelCursors';
/** Sorted set channel id → when it last had a message published (ms): what "recent" means. */
const ACTIVITY_KEY = 'chatguard:gateway:channelActivity';
/** Hash guild id → the latest join time (ms) published, where reading joins back starts. */
const JOIN_CURSORS_KEY = 'chatguard:gateway:joinCursors';
/** Published messages reach Redis at most this often. */
const WRITE_EVERY_MS = 250;

/** How many channels, and for how long since their last message, a cursor is kept. */
export interface CursorBounds {
  readonly maxChannels: number;
  readonly maxIdleMs: number;
}

export const DEFAULT_CURSOR_BOUNDS: CursorBounds = { maxChannels: 1_000, maxIdleMs: 24 * 3_600_000 };

/** Where reading a channel back starts: the last message of it this gateway published. */
export interface ChannelCursor {
  readonly guildId: string;
  readonly channelId: string;
  readonly lastMessageId: string;
}

// Sets each channel's cursor only forward (snowflakes compared as decimal strings: length, then
// text), marks it active now, and forgets the channels past the bounds.
const ADVANCE = `
local now = tonumber(ARGV[1])
for i = 4, #ARGV, 3 do
  local channel, guild, id = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local current = redis.call('HGET', KEYS[1], channel)
  local known = current and string.match(current, ':(%d+)$')
  if not known or #id > #known or (#id == #known and id > known) then
    redis.call('HSET', KEYS[1], channel, guild .. ':' .. id)
  end
  redis.call('ZADD', KEYS[2], now, channel)
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3])
for _, channel in ipairs(redis.call('ZRANGE', KEYS[2], 0, -(tonumber(ARGV[2]) + 1))) do
  table.insert(gone, channel)
end
for _, channel in ipairs(gone) do
  redis.call('HDEL', KEYS[1], channel)
  redis.call('ZREM', KEYS[2], channel)
end
return #gone
`;

// Moves each guild's join cursor only forward.
const ADVANCE_JOINS = `
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 0
`;

/**
 * Remembers, per recently active channel, the last message the gateway published, so a run
 * whose resume Discord refuses can read back what it missed (`readBackChannels`).
 */
export class ChannelCursors {
  readonly #latest = new Map<string, { guildId: string; messageId: string }>();
  readonly #joins = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly onError: (err: unknown) => void,
    private readonly bounds: CursorBounds = DEFAULT_CURSOR_BOUNDS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A message was published: its channel's cursor moves to it (written within 250 ms). */
  published(guildId: string, channelId: string, messageId: string): void {
    const known = this.#latest.get(channelId);
    if (!known || isLater(messageId, known.messageId)) this.#latest.set(channelId, { guildId, messageId });
    this.#timer ??= setTimeout(() => {
      this.flush().catch(this.onError);
    }, WRITE_EVERY_MS);
  }

  /** A join was published: the guild's join cursor moves to its time (written within 250 ms). */
  joined(guildId: string, joinedAt: number): void {
    if (joinedAt > (this.#joins.get(guildId) ?? 0)) this.#joins.set(guildId, joinedAt);
    this.#timer ??= setTimeout(() => {
      this.flush().catch(this.onError);
    }, WRITE_EVERY_MS);
  }

  /** Writes what is buffered now; resolves once Redis has it. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const joins = [...this.#joins.entries()];
    this.#joins.clear();
    if (joins.length > 0)
      await this.redis.eval(ADVANCE_JOINS, 1, JOIN_CURSORS_KEY, ...joins.flatMap(([g, at]) => [g, at]));
    const updates = [...this.#latest.entries()];
    this.#latest.clear();
    if (updates.length === 0) return;
    const now = this.now();
    const args = updates.flatMap(([channelId, { guildId, messageId }]) => [channelId, guildId, messageId]);
    await this.redis.eval(
      ADVANCE,
      2,
      CURSORS_KEY,
      ACTIVITY_KEY,
      now,
      this.bounds.maxChannels,
      now - this.bounds.maxIdleMs,
      ...args,
    );
  }

  /** The cursors the previous run left; read before this run's messages move them. */
  static async stored(redis: Redis): Promise<ChannelCursor[]> {
    const raw = await redis.hgetall(CURSORS_KEY);
    return Object.entries(raw).flatMap(([channelId, value]) => {
      const match = /^(\d+):(\d+)$/.exec(value);
      return match?.[1] && match[2] ? [{ guildId: match[1], channelId, lastMessageId: match[2] }] : [];
    });
  }
}

/** Per guild, the latest join time the previous run published. */
export async function storedJoinCursors(redis: Redis): Promise<Map<string, number>> {
  const raw = await redis.hgetall(JOIN_CURSORS_KEY);
  return new Map(Object.entries(raw).map(([guildId, at]) => [guildId, Number(at)]));
}

/** True when snowflake `a` is later than `b`. */
export function isLater(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}
