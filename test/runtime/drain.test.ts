import { topology } from '@chat-guard/events';
import { sql } from 'kysely';
import { expect, it, onTestFinished } from 'vitest';
import { busFactory, NATS_URL, nextSnowflake, uniqueNamespace } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';
import { type Spawned, spawnService } from '../support/processes.ts';

// Enough that a log-writer appending in batches is still busy when it is stopped.
const EVENTS = 4_000;

it('drains on SIGTERM mid-burst: what it took is finished and acknowledged, and no event is lost or doubled', async () => {
  const database = await migratedDatabase();
  onTestFinished(() => database.close());
  const namespace = uniqueNamespace();
  const buses = busFactory(namespace, topology);
  onTestFinished(() => buses.cleanup());
  const replicas: Spawned[] = [];
  onTestFinished(() => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });
  const startReplica = () => {
    const replica = spawnService('log-writer', {
      NATS_URL,
      NATS_NAMESPACE: namespace,
      DATABASE_URL: database.url,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DISCORD_TOKEN: 'test-token',
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
      // As on Kubernetes: the drain must end inside terminationGracePeriodSeconds (30 s), or the
      // service exits 1 on its own deadline.
      SHUTDOWN_TIMEOUT_MS: '25000',
    });
    replicas.push(replica);
    return replica;
  };
  const recorded = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from audit_log`.execute(database.db)).rows[0]?.n ?? 0,
    );

  const bus = await buses.open('publisher');
  await bus.provision();
  const guilds = Array.from({ length: 6 }, () => nextSnowflake());
  for (let i = 0; i < EVENTS; i++)
    await bus.publish('audit.recorded', {
      guildId: guilds[i % guilds.length] as string,
      action: 'message.delete',
      actorId: 'chat-guard',
      targetId: nextSnowflake(),
      reason: 'drain test',
      details: { index: i },
      idempotencyKey: `drain-${namespace}-${i}`,
      at: Date.now(),
    });
  // The burst waits in the stream; the replica starts on it and is stopped early in it.
  const first = startReplica();
  await first.waitForOutput(/"msg":"ready"/, 60_000);
  while ((await recorded()) < 30) await new Promise((r) => setTimeout(r, 10));

  first.child.kill('SIGTERM');
  expect(await first.exited, first.output()).toBe(0);
  expect(first.output()).toContain('"msg":"drained"');
  const atExit = await recorded();
  expect(atExit).toBeLessThan(EVENTS); // it really was stopped in the middle of the burst
  // What the replica took, it finished: every message it acknowledged is recorded, and nothing
  // it recorded is left unacknowledged. What it had pulled but not started it handed back (nak):
  // those wait for the next replica, which gets them at once, not after the ack wait.
  const info = await bus.jsm.consumers.info(bus.ns.stream('AUDIT'), 'log-writer');
  expect(info.delivered.stream_seq - info.num_ack_pending).toBe(atExit);

  const second = startReplica();
  await second.waitForOutput(/"msg":"ready"/, 60_000);
  while ((await recorded()) < EVENTS) {
    if (second.child.exitCode !== null) throw new Error(second.output());
    await new Promise((r) => setTimeout(r, 50));
  }
  const keys = await sql<{ n: string }>`select count(distinct idempotency_key) as n from audit_log`.execute(
    database.db,
  );
  expect(Number(keys.rows[0]?.n)).toBe(EVENTS);
  expect(await recorded()).toBe(EVENTS);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 240_000);
