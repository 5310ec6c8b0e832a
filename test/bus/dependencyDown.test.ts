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

// Three deliveries 50–200 ms apart and a 1-s ack wait: the old budget ran out in well under a second.
const worker = testConsumer({ maxDeliver: 3, ackWaitMs: 1_000, retry: { baseMs: 50, maxMs: 200 } });
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
    await sleep(2_500);
    await consumption.stop();
    expect(calls).toBe(1);
  });
});
