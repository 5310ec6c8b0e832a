import type { SessionInfo, WebSocketManager as ShardManager } from '@discordjs/ws';
import { SimpleShardingStrategy, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import type { Client } from 'discord.js';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Hash of every shard's current session, shard id → JSON. */
const SESSIONS_KEY = 'chatguard:gateway:sessions';
/** A dispatch bumps the sequence each time; Redis hears of it at most this often. */
const WRITE_EVERY_MS = 200;
/** How long a replay of a stale session may take before it is given up. */
const REPLAY_TIMEOUT_MS = 20_000;

const storedSession = z.object({
  resumeURL: z.string(),
  sequence: z.number().int(),
  sessionId: z.string(),
  shardCount: z.number().int().positive(),
  shardId: z.number().int().nonnegative(),
});

/**
 * Keeps each shard's session (id, sequence, resume URL) in Redis as it goes, through the
 * `@discordjs/ws` manager's own `updateSessionInfo` (hooked via the client's `ws.buildStrategy`;
 * discord.js itself keeps sessions in memory only).
 */
export function sessionRecordingStrategy(redis: Redis, onError: (err: unknown) => void) {
  return (manager: ShardManager) => {
    const options = manager.options as {
      updateSessionInfo: (shardId: number, info: SessionInfo | null) => void | Promise<void>;
    };
    const inMemory = options.updateSessionInfo;
    const latest = new Map<number, SessionInfo | null>();
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      const updates = [...latest.entries()];
      latest.clear();
      const tx = redis.multi();
      for (const [shardId, info] of updates) {
        if (info) tx.hset(SESSIONS_KEY, String(shardId), JSON.stringify(info));
        else tx.hdel(SESSIONS_KEY, String(shardId));
      }
      tx.exec().catch(onError);
    };
    options.updateSessionInfo = async (shardId, info) => {
      await inMemory(shardId, info);
      latest.set(shardId, info);
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, WRITE_EVERY_MS);
      }
    };
    return new SimpleShardingStrategy(manager);
  };
}

/** The sessions the previous run of these shards left in Redis; read before logging in. */
export async function storedSessions(redis: Redis): Promise<SessionInfo[]> {
  const raw = await redis.hgetall(SESSIONS_KEY);
  return Object.values(raw).flatMap((value) => {
    const parsed = storedSession.safeParse(JSON.parse(value));
    return parsed.success ? [parsed.data] : [];
  });
}

export interface ReplayReport {
  readonly shardId: number;
  readonly outcome: 'replayed' | 'refused' | 'timed out';
  readonly dispatches: number;
}

/**
 * Recovers what a killed gateway missed: for each stale session of a shard this client runs,
 * a second connection sends RESUME and Discord replays every dispatch since the stored
 * sequence; each goes through the client as if it had just arrived, so the forwarder publishes
 * it with its usual dedupe id (what was published already is stored once). The client itself
 * identified anew, with a full READY, so its caches are whole.
 */
export async function replayStaleSessions(
  client: Client,
  token: string,
  stale: readonly SessionInfo[],
): Promise<ReplayReport[]> {
  const handling = client.ws as unknown as {
    handlePacket(packet: unknown, shard: unknown): boolean;
    shards: Map<number, unknown>;
  };
  const mine = stale.filter((s) => handling.shards.has(s.shardId));
  return Promise.all(
    mine.map(async (session) => {
      let dispatches = 0;
      let wasRefused = false;
      let settled = false;
      let refused = () => {};
      const connection = new WebSocketManager({
        token,
        intents: client.options.intents.bitfield,
        rest: client.rest,
        shardCount: session.shardCount,
        shardIds: [session.shardId],
        retrieveSessionInfo: () => session,
        // Op 9 Invalid Session drops the session (the only time this connection is told null):
        // stop there, before it identifies anew and its READY reaches the client.
        updateSessionInfo: (_shardId, info) => {
          if (info === null) refused();
        },
      });
      const outcome = await new Promise<ReplayReport['outcome']>((resolve) => {
        const timer = setTimeout(() => end('timed out'), REPLAY_TIMEOUT_MS);
        const end = (how: ReplayReport['outcome']) => {
          settled = true;
          clearTimeout(timer);
          resolve(how);
        };
        // Our own destroy() below drops the session too: only a drop before the outcome counts.
        refused = () => {
          if (settled) return;
          wasRefused = true;
          end('refused');
        };
        // A replayed dispatch may be emitted just after RESUMED (each is handled asynchronously),
        // so only a refusal stops them.
        connection.on(WebSocketShardEvents.Dispatch, ({ data }) => {
          if (wasRefused) return;
          dispatches += 1;
          handling.handlePacket(data, handling.shards.get(session.shardId));
        });
        connection.on(WebSocketShardEvents.Resumed, () => end('replayed'));
        connection.connect().catch(() => end('refused'));
      });
      await connection.destroy({ reason: 'stale session replayed' });
      return { shardId: session.shardId, outcome, dispatches };
    }),
  );
}
