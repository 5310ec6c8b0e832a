import { describe, expect, it } from 'vitest';
import { DependencyGate } from '../../libs/bus/src/dependencyGate.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the dependency gate', () => {
  it('wakes one waiter per probe turn, and only once the probe passes', async () => {
    let up = false;
    const failures: unknown[] = [];
    const gate = new DependencyGate(
      20,
      async () => {
        if (!up) throw new Error('still down');
      },
      (err) => failures.push(err),
      () => undefined,
    );
    const wakes: string[] = [];
    const waiters = [1, 2, 3].map((n) => gate.wait().then((w) => wakes.push(`${n}:${w}`)));
    await sleep(100);
    expect(gate.open).toBe(false);
    expect(wakes).toEqual([]);
    expect(failures.length).toBeGreaterThan(1);
    up = true;
    await waiters[0];
    expect(wakes).toEqual(['1:probe']); // one message tries again; the rest keep waiting
    gate.markUp(); // its try succeeded
    await Promise.all(waiters);
    expect(wakes).toEqual(['1:probe', '2:up', '3:up']);
    expect(gate.open).toBe(true);
  });

  it('wakes every waiter with stop, and a later wait returns at once', async () => {
    const gate = new DependencyGate(
      10_000,
      undefined,
      () => undefined,
      () => undefined,
    );
    const waiting = Promise.all([gate.wait(), gate.wait()]);
    gate.stop();
    expect(await waiting).toEqual(['stop', 'stop']);
    expect(await gate.wait()).toBe('stop');
  });

  it('announces that it opened, so held messages start', async () => {
    let opened = 0;
    const gate = new DependencyGate(
      10_000,
      undefined,
      () => undefined,
      () => {
        opened += 1;
      },
    );
    const waiting = gate.wait();
    gate.markUp();
    expect(await waiting).toBe('up');
    gate.markUp(); // already open: nothing to announce
    expect(opened).toBe(1);
  });
});
