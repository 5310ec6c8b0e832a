// CPU microseconds per message of the bus's own hop, publish and consume measured apart, in one
// process with the services' telemetry. `filter` judges each message as the content-filter does.
// node --import tsx --import @chat-guard/runtime/instrument libs/bus/bin/cpuPerMessage.ts [hop|filter] [count]
import { randomBytes } from 'node:crypto';
import { connectBus, consume } from '@chat-guard/bus';
import { judgeMessage, RedisSpamWindowStore } from '@chat-guard/content-filter';
import { defaultGuildConfig, type EventPayload, topology } from '@chat-guard/events';
import { connectRedis } from '@chat-guard/store';

const mode = process.argv[2] ?? 'hop';
const count = Number(process.argv[3] ?? 20_000);
if (mode !== 'hop' && mode !== 'filter') throw new Error(`mode is hop or filter, not ${mode}`);
const namespace = `cpu${randomBytes(4).toString('hex')}`;
const bus = await connectBus({
  servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  name: 'cpu',
  namespace,
});
await bus.provision();
const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'cpu', namespace);
const config = defaultGuildConfig();
const deps = {
  config: () => config,
  inviteCodes: async () => new Set<string>(),
  spamWindow: new RedisSpamWindowStore(redis),
};

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const message = (i: number): EventPayload<'message.created'> => ({
  guildId: '1100000000000000001',
  channelId: '1100000000000000100',
  messageId: String(1_200_000_000_000_000_000n + BigInt(i)),
  authorId: String(1_300_000_000_000_000_000n + BigInt(i % 500)),
  authorIsBot: false,
  content: `message number ${i} about the weather`,
  mentionUserIds: [],
  mentionRoleIds: [],
  mentionsEveryone: false,
  memberRoleIds: [],
  memberPermissions: '0',
  createdAt: Date.now() + i,
});

try {
  const publishStart = cpuUs();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    inFlight.push(bus.publish('message.created', message(i)));
    if (inFlight.length >= 256) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const publishUs = (cpuUs() - publishStart) / count;

  let handled = 0;
  let allHandled: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    allHandled = resolve;
  });
  const handle = async (m: EventPayload<'message.created'>) => {
    if (mode === 'filter') await judgeMessage(deps, { kind: 'created', ...m });
    if (++handled === count) allHandled();
  };
  const spec = topology.consumers.find((c) => c.durable === 'content-filter');
  if (!spec) throw new Error('no content-filter consumer');
  const consumeStart = cpuUs();
  const started = performance.now();
  const consumption = await consume(bus, spec, { 'message.created': handle }, { concurrency: 16 });
  await finished;
  const consumeUs = (cpuUs() - consumeStart) / count;
  const seconds = (performance.now() - started) / 1000;
  await consumption.stop();
  process.stdout.write(
    `${JSON.stringify({
      mode,
      count,
      publishUs: Math.round(publishUs),
      consumeUs: Math.round(consumeUs),
      totalUs: Math.round(publishUs + consumeUs),
      consumeRate: Math.round(count / seconds),
    })}\n`,
  );
} finally {
  for (const stream of topology.streams) await bus.jsm.streams.delete(bus.ns.stream(stream.name));
  await bus.drain();
  await redis.quit();
}
