import { consume, type EventBus, isDependencyDown } from '@chat-guard/bus';
import { topology } from '@chat-guard/events';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PrivateDeps, startPrivateDeps } from '../../libs/cli/src/faults/privateDeps.ts';
import { busFactory, messageCreatedPayload, testTopology, uniqueNamespace, waitFor } from '../support/bus.ts';
import { readDeadLetters } from '../support/deadLetters.ts';

// The production consumer settings: 8 deliveries, a 30-s ack wait and a 0.5–30-s backoff, the
// budget that used to dead-letter everything after about 60 s of a PostgreSQL outage.
const enforcer = topology.consumers.find((c) => c.durable === 'enforcer');
if (!enforcer) throw new Error('no enforcer consumer in the topology');
const worker = { ...enforcer, durable: 'outage-worker', stream: 'DISCORD', filter: 'discord.*.message.*' };
const OUTAGE_MS = 65_000;
const BEFORE = 20;
const DURING = 200;

let deps: PrivateDeps;
let factory: ReturnType<typeof busFactory>;
let bus: EventBus;

beforeAll(async () => {
  deps = await startPrivateDeps();
  factory = busFactory(uniqueNamespace(), testTopology([worker]));
  bus = await factory.open();
  await bus.provision();
}, 60_000);
afterAll(async () => {
  await factory?.cleanup();
  await deps?.stop();
});

it('a PostgreSQL outage longer than 60 s dead-letters nothing, spends no delivery, and the backlog drains at once', async () => {
  const url = deps.databaseUrl.replace(/\/chatguard$/, '/postgres');
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 2_000 });
  // Idle clients die with the server; the handlers see the same failure and wait on it.
  const idleErrors: Error[] = [];
  pool.on('error', (err) => idleErrors.push(err));
  await pool.query('create table handled (message_id text primary key, delivery int not null)');
  const consumption = await consume(bus, worker, {
    'message.created': async (m, meta) => {
      await pool.query('insert into handled values ($1, $2)', [m.messageId, meta.deliveryCount]);
    },
  });
  const count = async () => Number((await pool.query('select count(*) as n from handled')).rows[0].n);
  const countOnceUp = async () => {
    try {
      return await count();
    } catch (err) {
      if (isDependencyDown(err)) return -1;
      throw err;
    }
  };
  try {
    for (let i = 0; i < BEFORE; i++) await bus.publish('message.created', messageCreatedPayload());
    await waitFor(async () => (await count()) === BEFORE, 'the messages before the outage');

    await deps.stopPostgres();
    const downAt = Date.now();
    // Half the backlog at the start of the outage, half past the old 60-s cliff's first steps.
    for (let i = 0; i < DURING / 2; i++) await bus.publish('message.created', messageCreatedPayload());
    await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
    for (let i = 0; i < DURING / 2; i++) await bus.publish('message.created', messageCreatedPayload());
    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - downAt)));
    expect(await readDeadLetters(bus)).toEqual([]);

    await deps.startPostgres();
    const upAt = Date.now();
    await waitFor(async () => (await countOnceUp()) === BEFORE + DURING, 'the backlog', 30_000);
    const drainS = (Date.now() - upAt) / 1000;
    console.log(`backlog of ${DURING} drained ${drainS.toFixed(2)} s after PostgreSQL answered again`);
    expect(drainS).toBeLessThan(5);

    const deliveries = await pool.query('select max(delivery) as most from handled');
    expect(deliveries.rows[0].most).toBe(1); // kept alive with working(): never redelivered
    expect(await readDeadLetters(bus)).toEqual([]);
    const info = await bus.jsm.consumers.info(bus.ns.stream(worker.stream), worker.durable);
    await waitFor(
      async () =>
        (await bus.jsm.consumers.info(bus.ns.stream(worker.stream), worker.durable)).num_ack_pending === 0,
      'every message acknowledged',
    );
    expect(info.num_redelivered).toBe(0);
    expect(idleErrors.every(isDependencyDown)).toBe(true);
  } finally {
    await consumption.stop();
    await pool.end();
  }
}, 150_000);
