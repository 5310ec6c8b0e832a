import { randomBytes } from 'node:crypto';
import { connectBus, type EventBus } from '@chat-guard/bus';
import { type ConsumerSpec, type EventPayload, type Topology, topology } from '@chat-guard/events';
import { afterEach, beforeEach } from 'vitest';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A namespace no other test run uses, so tests share the NATS server without meeting. */
export function uniqueNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** A consumer on the DISCORD stream with short timings, for tests of delivery behaviour. */
export function testConsumer(overrides: Partial<ConsumerSpec> = {}): ConsumerSpec {
  return {
    durable: 'worker',
    stream: 'DISCORD',
    filter: 'discord.*.message.*',
    maxDeliver: 3,
    ackWaitMs: 1_000,
    retry: { baseMs: 50, maxMs: 200 },
    maxAckPending: 100,
    ...overrides,
  };
}

/** The production streams with the given consumers. */
export function testTopology(consumers: ConsumerSpec[]): Topology {
  return { ...topology, consumers };
}

/** Buses on one namespace; `cleanup` deletes the namespace's streams and closes every bus. */
export function busFactory(namespace: string, top: Topology) {
  const opened: EventBus[] = [];
  return {
    async open(name = 'test'): Promise<EventBus> {
      const bus = await connectBus({ servers: NATS_URL, name, namespace, topology: top });
      opened.push(bus);
      return bus;
    },
    async cleanup(): Promise<void> {
      const admin = opened.find((b) => !b.nc.isClosed()) ?? (await this.open('cleanup'));
      for (const stream of top.streams) {
        await admin.jsm.streams.delete(admin.ns.stream(stream.name)).catch((err: unknown) => {
          if (!String(err).includes('stream not found')) throw err;
        });
      }
      for (const bus of opened) await bus.nc.close();
    },
  };
}

let nextId = 1_100_000_000_000_000_000n;

/** A fresh snowflake-shaped id. */
export function nextSnowflake(): string {
  nextId += 1n;
  return nextId.toString();
}

/** A valid message.created payload. */
export function messageCreatedPayload(overrides: Partial<EventPayload<'message.created'>> = {}) {
  return {
    guildId: '1100000000000000001',
    channelId: '1100000000000000100',
    messageId: nextSnowflake(),
    authorId: '1300000000000000042',
    authorIsBot: false,
    content: 'hello there',
    mentionUserIds: [],
    mentionRoleIds: [],
    mentionsEveryone: false,
    memberRoleIds: [],
    memberPermissions: '0',
    createdAt: Date.now(),
    ...overrides,
  } satisfies EventPayload<'message.created'>;
}

/** A newcomer's post as the gateway publishes it beside the message, with defaults for a test. */
export function newcomerPostedPayload(overrides: Partial<EventPayload<'newcomer.posted'>> = {}) {
  const createdAt = overrides.createdAt ?? Date.now();
  return {
    guildId: '1100000000000000001',
    channelId: '1100000000000000100',
    messageId: nextSnowflake(),
    authorId: '1300000000000000042',
    authorJoinedAt: createdAt - 60_000,
    content: 'hello there',
    mentionCount: 0,
    mentionsEveryone: false,
    createdAt,
    ...overrides,
  } satisfies EventPayload<'newcomer.posted'>;
}

/** Every event a stream holds under `filter` (namespaced here), oldest first, with its subject. */
export async function storedEvents(
  bus: EventBus,
  stream: string,
  filter: string,
): Promise<{ subject: string; data: Record<string, unknown> }[]> {
  const consumer = await bus.js.consumers.get(bus.ns.stream(stream), {
    filter_subjects: bus.ns.subject(filter),
  });
  const found: { subject: string; data: Record<string, unknown> }[] = [];
  for (let left = (await consumer.info()).num_pending; left > 0; ) {
    const before = found.length;
    for await (const m of await consumer.fetch({ max_messages: Math.min(left, 500), expires: 2_000 }))
      found.push({ subject: bus.ns.unprefix(m.subject), data: m.json() });
    if (found.length === before) break;
    left -= found.length - before;
  }
  return found;
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A bus of its own for each test: a fresh namespace with `consumers`, opened and provisioned
 * before each test and removed after it. Read `.bus` inside the tests.
 */
export function useTestBus(consumers: ConsumerSpec[]): {
  readonly bus: EventBus;
  readonly factory: ReturnType<typeof busFactory>;
} {
  const state = {} as { bus: EventBus; factory: ReturnType<typeof busFactory> };
  beforeEach(async () => {
    state.factory = busFactory(uniqueNamespace(), testTopology(consumers));
    state.bus = await state.factory.open();
    await state.bus.provision();
  });
  afterEach(() => state.factory.cleanup());
  return state;
}
