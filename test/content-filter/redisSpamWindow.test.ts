import { randomBytes } from 'node:crypto';
import { defaultGuildConfig } from '@chat-guard/events';
import { connectRedis, redisKeys } from '@chat-guard/store';
import { afterAll, expect, it } from 'vitest';
import { detectSpam } from '../../services/content-filter/src/detectSpam.ts';
import { RedisSpamWindowStore } from '../../services/content-filter/src/redisSpamWindow.ts';
import {
  InMemorySpamWindowStore,
  type SpamRecord,
  spamRecordOf,
} from '../../services/content-filter/src/spamWindow.ts';

const namespace = `spam${randomBytes(4).toString('hex')}`;
const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'spam-window-test', namespace);
afterAll(() => redis.quit());

// A burst as a spam wave sends it: 6 authors, repeated texts, several messages per author in one batch.
const guildId = `11${Date.now()}`.padEnd(19, '0');
const burst = Array.from({ length: 120 }, (_, i) => ({
  userId: `13${String(i % 6).padStart(17, '0')}`,
  record: spamRecordOf(i % 4 === 0 ? 'join my server' : `note ${i % 9}`, 1_732_000_000_000 + i * 40),
}));
const windowMs = 2_000;

it('judges a batch of messages in one Redis call, with the verdicts one call per message gives', async () => {
  const store = new RedisSpamWindowStore(redis);
  // Loads the script first: a Redis that has not seen it answers NOSCRIPT, and ioredis resends.
  await store.recordAndList(guildId, 'warm-up', spamRecordOf('warm up', 1), windowMs);
  // Counts the commands the real client sends (they all still go to Redis).
  const commands: string[] = [];
  const sendCommand = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    commands.push(command.name);
    return sendCommand(command, stream);
  };
  // Concurrently, as the consumer's handlers call it, against the same sequence in memory.
  const fromRedis = await Promise.all(
    burst.map(({ userId, record }) => store.recordAndList(guildId, userId, record, windowMs)),
  );
  const memory = new InMemorySpamWindowStore();
  const expected: SpamRecord[][] = [];
  for (const { userId, record } of burst)
    expected.push(await memory.recordAndList(guildId, userId, record, windowMs));

  expect(fromRedis).toEqual(expected);
  expect(commands.filter((c) => c.startsWith('eval'))).toEqual(['evalsha']); // one script call for the burst
  const policy = { ...defaultGuildConfig(), spamWindowSeconds: windowMs / 1000 };
  const verdicts = (lists: typeof expected) =>
    lists.map((recent, i) => {
      const incoming = burst[i]?.record;
      return incoming && detectSpam(recent, incoming, policy);
    });
  expect(verdicts(fromRedis)).toEqual(verdicts(expected));
  expect(verdicts(fromRedis).some((v) => v !== undefined)).toBe(true); // the wave is caught
  // The keys carry the client's namespace prefix, like every key it touches.
  const key = `${namespace}:${redisKeys.spamWindow(guildId, burst[0]?.userId ?? '')}`;
  const unprefixed = redis.duplicate({ keyPrefix: '' });
  try {
    expect(await unprefixed.exists(key)).toBe(1);
  } finally {
    await unprefixed.quit();
  }
});

it('a failed batch rejects each of its messages with the Redis error', async () => {
  const broken = connectRedis('redis://127.0.0.1:1', 'spam-window-down', namespace);
  const connectionErrors: Error[] = [];
  broken.on('error', (err: Error) => connectionErrors.push(err));
  try {
    const store = new RedisSpamWindowStore(broken);
    const results = await Promise.allSettled(
      burst.slice(0, 3).map(({ userId, record }) => store.recordAndList(guildId, userId, record, windowMs)),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(connectionErrors.length).toBeGreaterThan(0);
  } finally {
    broken.disconnect();
  }
});
