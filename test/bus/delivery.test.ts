import { consume, type EventBus, type MessageMeta } from '@chat-guard/bus';
import type { EventPayload } from '@chat-guard/events';
import { headers } from '@nats-io/nats-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  busFactory,
  messageCreatedPayload,
  testConsumer,
  testTopology,
  uniqueNamespace,
  waitFor,
} from '../support/bus.ts';
import { readDeadLetters } from '../support/deadLetters.ts';

const worker = testConsumer();
let factory: ReturnType<typeof busFactory>;
let bus: EventBus;

beforeEach(async () => {
  factory = busFactory(uniqueNamespace(), testTopology([worker]));
  bus = await factory.open();
  await bus.provision();
});
afterEach(() => factory.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the event bus', () => {
  it('stores a Discord event published twice once and delivers it once', async () => {
    const event = messageCreatedPayload();
    const first = await bus.publish('message.created', event);
    const second = await bus.publish('message.created', event);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);

    const received: string[] = [];
    const consumption = await consume(bus, worker, {
      'message.created': async (payload) => {
        received.push(payload.messageId);
      },
    });
    await waitFor(() => received.length >= 1, 'the first delivery');
    await sleep(1_500); // longer than the ack wait: a second copy would have arrived by now
    await consumption.stop();
    expect(received).toEqual([event.messageId]);
  });

  it('refuses to publish a payload that fails its schema', async () => {
    const bad = { ...messageCreatedPayload(), guildId: 'not-a-snowflake' };
    await expect(bus.publish('message.created', bad)).rejects.toThrow(/guildId/);
  });

  it('splits the work of one consumer between replicas, each message handled once', async () => {
    const replicaA = await factory.open('replica-a');
    const replicaB = await factory.open('replica-b');
    const seenBy = new Map<string, string[]>([
      ['a', []],
      ['b', []],
    ]);
    const handlerFor = (replica: string) => async (payload: EventPayload<'message.created'>) => {
      seenBy.get(replica)?.push(payload.messageId);
      await sleep(5); // a little work, so one replica cannot drain the stream alone
    };
    const a = await consume(replicaA, worker, { 'message.created': handlerFor('a') }, { concurrency: 2 });
    const b = await consume(replicaB, worker, { 'message.created': handlerFor('b') }, { concurrency: 2 });
    const sent = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const event = messageCreatedPayload();
        await bus.publish('message.created', event);
        return event.messageId;
      }),
    );
    const total = () => (seenBy.get('a')?.length ?? 0) + (seenBy.get('b')?.length ?? 0);
    await waitFor(() => total() >= sent.length, 'all 60 messages');
    await Promise.all([a.stop(), b.stop()]);
    const all = [...(seenBy.get('a') ?? []), ...(seenBy.get('b') ?? [])];
    expect(new Set(all).size).toBe(sent.length);
    expect(all.length).toBe(sent.length);
    expect(seenBy.get('a')?.length).toBeGreaterThan(0);
    expect(seenBy.get('b')?.length).toBeGreaterThan(0);
  });

  it('runs at most `concurrency` handlers at once and starts the next as soon as one finishes', async () => {
    let running = 0;
    let most = 0;
    const handled: string[] = [];
    const consumption = await consume(
      bus,
      worker,
      {
        'message.created': async (payload) => {
          running++;
          most = Math.max(most, running);
          await sleep(10 + (handled.length % 4) * 5); // uneven work, so handlers finish out of order
          running--;
          handled.push(payload.messageId);
        },
      },
      { concurrency: 3 },
    );
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      const event = messageCreatedPayload();
      await bus.publish('message.created', event);
      sent.push(event.messageId);
    }
    await waitFor(() => handled.length >= sent.length, 'all 40 messages');
    await consumption.stop();
    expect(most).toBe(3);
    expect(handled.toSorted()).toEqual(sent.toSorted());
  });

  it('retries a failing message with backoff and dead-letters it with its reason after max_deliver', async () => {
    const attempts: MessageMeta[] = [];
    const consumption = await consume(bus, worker, {
      'message.created': async (_payload, meta) => {
        attempts.push(meta);
        throw new Error('downstream said no');
      },
    });
    const poison = messageCreatedPayload();
    await bus.publish('message.created', poison);
    await waitFor(async () => (await readDeadLetters(bus)).length === 1, 'the dead letter');
    await consumption.stop();

    expect(attempts.map((a) => a.deliveryCount)).toEqual([1, 2, 3]);
    const [letter] = await readDeadLetters(bus);
    expect(letter?.reason).toContain('failed 3 deliveries');
    expect(letter?.reason).toContain('downstream said no');
    expect(letter?.originalSubject).toBe(bus.ns.subject(`discord.${poison.guildId}.message.created`));
    expect(JSON.parse(letter?.body ?? '{}')).toMatchObject({ messageId: poison.messageId });
  });

  it('dead-letters a schema-invalid payload at once and still processes the next message', async () => {
    const handled: string[] = [];
    const consumption = await consume(bus, worker, {
      'message.created': async (payload) => {
        handled.push(payload.messageId);
      },
    });
    const h = headers();
    h.set('Chat-Guard-Version', '1');
    const invalid = { ...messageCreatedPayload(), mentionUserIds: 'everyone' };
    await bus.js.publish(
      bus.ns.subject(`discord.${invalid.guildId}.message.created`),
      JSON.stringify(invalid),
      {
        headers: h,
      },
    );
    await bus.js.publish(bus.ns.subject('discord.1100000000000000001.message.created'), 'not json at all');
    const valid = messageCreatedPayload();
    await bus.publish('message.created', valid);

    await waitFor(() => handled.includes(valid.messageId), 'the valid message');
    await waitFor(async () => (await readDeadLetters(bus)).length === 2, 'two dead letters');
    await consumption.stop();

    expect(handled).toEqual([valid.messageId]);
    const letters = await readDeadLetters(bus);
    expect(letters[0]?.reason).toMatch(/fails its schema.*mentionUserIds/s);
    expect(letters[1]?.reason).toContain('not JSON');
  });

  it('dead-letters a message whose handler never acknowledges once deliveries run out', async () => {
    const once = testConsumer({ durable: 'stuck', maxDeliver: 1, ackWaitMs: 500 });
    const local = busFactory(uniqueNamespace(), testTopology([once]));
    try {
      const owner = await local.open();
      await owner.provision();
      const { watchMaxDeliveries } = await import('@chat-guard/bus');
      const errors: Error[] = [];
      watchMaxDeliveries(owner, [once], (err) => errors.push(err));
      const replica = await local.open('stuck-replica');
      let took = 0;
      await consume(replica, once, {
        'message.created': () => {
          took++;
          return new Promise<void>(() => undefined); // hangs like a wedged replica
        },
      });
      const event = messageCreatedPayload();
      await owner.publish('message.created', event);
      await waitFor(async () => (await readDeadLetters(owner)).length === 1, 'the dead letter', 15_000);
      const [letter] = await readDeadLetters(owner);
      expect(took).toBe(1);
      expect(letter?.reason).toContain('not acknowledged after 1 deliveries');
      expect(JSON.parse(letter?.body ?? '{}')).toMatchObject({ messageId: event.messageId });
      expect(errors).toEqual([]);
    } finally {
      await local.cleanup();
    }
  });
});
