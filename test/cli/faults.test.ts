import { expect, it } from 'vitest';
import { spawnTs } from '../support/processes.ts';

// The short subset of `chat-guard faults` that runs with the tests: its own NATS, Redis and
// PostgreSQL, the six services, the gateway's connections cut under load. (A kill -9 waits out
// the 30-s ack wait of what the dead replica held: too long for every test run.)
it('cuts the gateway under load and counts nothing lost, nothing doubled, the audit chain intact', async () => {
  const run = spawnTs([
    'libs/cli/src/run.ts',
    'faults',
    '--only',
    'gateway disconnect and resume',
    '--settle',
    '60',
  ]);
  const code = await run.exited;
  const lines = run.output().trim().split('\n');
  const summary = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
  expect(summary).toEqual({
    faults: 1,
    lost: 0,
    doubled: 0,
    joinsLost: 0,
    maxRecoveryS: expect.any(Number),
    auditOk: true,
    floodsMissed: 0,
  });
  // sent, refused, actions, lost 0, doubled 0, joins, every join judged.
  const row = /^gateway disconnect and resume\s+(\d+)\s+\d+\s+(\d+)\s+0\s+0\s+(\d+)\s+(\d+)\s+/m.exec(
    run.output(),
  );
  expect(row).not.toBeNull();
  expect(Number(row?.[2])).toBe(Number(row?.[1]));
  expect(Number(row?.[4])).toBe(Number(row?.[3]));
  expect(code).toBe(0);
  // Everything it started is gone: no server of its own is left on the machine.
  expect(run.output()).toMatch(/own NATS nats:\/\/127\.0\.0\.1:\d+/);
}, 120_000);
