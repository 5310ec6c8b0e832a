import { consume, type EventBus, isDependencyDown, PermanentError } from '@chat-guard/bus';
import pg from 'pg';
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

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Nothing listens here: connecting fails as it does while PostgreSQL is down.
const DOWN_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/test';

// Three deliveries 50–200 ms apart: the old budget ran out in well under a second. A 2-s ack
// wait leaves the heartbeat (every third of it) room on a loaded machine.
const worker = testConsumer({ maxDeliver: 3, ackWaitMs: 2_000, retry: { baseMs: 50, maxMs: 200 } });
let factory: ReturnType<typeof busFactory>;
let bus: EventBus;

beforeEach(async () => {
  factory = busFactory(uniqueNamespace(), testTopology([worker]));
  bus = await factory.open();
  await bus.provision();
});
afterEach(() => factory.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function queryOnce(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end();
  }
}

describe('a dependency that is down', () => {
  it('is told apart from a message at fault, a real refused connection included', async () => {
    const real = await queryOnce(DOWN_DATABASE_URL).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isDependencyDown(real)).toBe(true);
    await queryOnce(DATABASE_URL); // the PostgreSQL that is up answers
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const adminShutdown = Object.assign(new Error('terminating connection'), { code: '57P01' });
    const classified = Object.assign(new Error('webhook unreachable', { cause: refused }), {
      retryable: true,
    });
    expect(isDependencyDown(refused)).toBe(true);
    expect(isDependencyDown(new Error('insert failed', { cause: adminShutdown }))).toBe(true);
    expect(isDependencyDown(new Error('Connection is closed.'))).toBe(true);
    expect(isDependencyDown(classified)).toBe(false);
    expect(isDependencyDown(Object.assign(new Error('unique violation'), { code: '23505' }))).toBe(false);
    expect(isDependencyDown(new TypeError('cannot read properties of undefined'))).toBe(false);
  });
});

describe('a dead-lettered message', () => {
  it('is handled once and not redelivered by the server', async () => {
    let calls = 0;
    const consumption = await consume(bus, worker, {
      'message.created': async () => {
        calls += 1;
        throw new PermanentError('this message can never be handled');
      },
    });
    await bus.publish('message.created', messageCreatedPayload());
    await waitFor(async () => (await readDeadLetters(bus)).length === 1, 'the dead letter');
    // Past the ack wait and every backoff step: a terminate the server ignored shows up as calls.
    await sleep(3_000);
    await consumption.stop();
    expect(calls).toBe(1);
  });
});

describe('while a dependency is down', () => {
  // The handler's database: down (nothing listens) until the test says it is back.
  let databaseUrl = DOWN_DATABASE_URL;
  const handled: string[] = [];
  const handleWithDatabase = async (messageId: string) => {
    await queryOnce(databaseUrl);
    handled.push(messageId);
  };
  beforeEach(() => {
    databaseUrl = DOWN_DATABASE_URL;
    handled.length = 0;
  });

  it('a poison message still goes to the dead letter at once, and the messages waiting are not spent', async () => {
    let poisonCalls = 0;
    const consumption = await consume(
      bus,
      worker,
      {
        'message.created': async (m) => {
          if (m.content === 'poison') {
            poisonCalls += 1;
            throw new PermanentError('this message can never be handled');
          }
          await handleWithDatabase(m.messageId);
        },
      },
      { probeIntervalMs: 100 },
    );
    const poison = () => bus.publish('message.created', messageCreatedPayload({ content: 'poison' }));
    await poison();
    await waitFor(async () => (await readDeadLetters(bus)).length === 1, 'the poison message dead-lettered');
    const waiting = [messageCreatedPayload(), messageCreatedPayload()];
    for (const m of waiting) await bus.publish('message.created', m);
    // Two ack waits and many times the three-delivery budget: the old consumer dead-lettered these.
    await sleep(4_500);
    expect(await readDeadLetters(bus)).toHaveLength(1);
    databaseUrl = DATABASE_URL;
    await waitFor(() => handled.length >= waiting.length, 'the waiting messages handled');
    await poison(); // once the dependency answers, poison goes straight to the dead letter again
    await waitFor(async () => (await readDeadLetters(bus)).length === 2, 'the second poison message');
    await consumption.stop();
    const letters = await readDeadLetters(bus);
    expect(letters.map((l) => JSON.parse(l.body).content)).toEqual(['poison', 'poison']);
    expect(letters[0]?.reason).toContain('this message can never be handled');
    expect(poisonCalls).toBe(2);
    expect(handled.sort()).toEqual(waiting.map((m) => m.messageId).sort());
  }, 20_000);

  it('stopping (SIGTERM) during the outage leaves its messages unacknowledged for redelivery, none lost', async () => {
    const handlers = { 'message.created': (m: { messageId: string }) => handleWithDatabase(m.messageId) };
    // Each replica has its own connection, as each process does; the drain closes it.
    const firstBus = await factory.open('replica-1');
    const first = await consume(firstBus, worker, handlers);
    const sent = Array.from({ length: 40 }, () => messageCreatedPayload());
    for (const m of sent) await bus.publish('message.created', m);
    const info = () => bus.jsm.consumers.info(bus.ns.stream(worker.stream), worker.durable);
    await waitFor(async () => (await info()).delivered.stream_seq === sent.length, 'every message delivered');
    const stoppedAt = Date.now();
    await first.stop();
    await firstBus.drain();
    expect(Date.now() - stoppedAt).toBeLessThan(2_000); // the drain does not wait for the outage to end
    expect(handled).toEqual([]);
    const atStop = await info();
    expect(atStop.num_ack_pending).toBe(sent.length); // none acknowledged, none terminated

    databaseUrl = DATABASE_URL;
    const second = await consume(await factory.open('replica-2'), worker, handlers);
    const distinct = () => new Set(handled);
    await waitFor(() => distinct().size >= sent.length, 'every message handled by the next replica');
    await second.stop();
    // Every message, and nothing else. Delivery is at least once: on a loaded machine a message
    // can wait in the pull buffer past the short ack wait and come twice, so ids are counted once.
    expect([...distinct()].sort()).toEqual(sent.map((m) => m.messageId).sort());
    expect(await readDeadLetters(bus)).toEqual([]);
  }, 20_000);
});
