import { LaneBatches, type LaneStart } from '@chat-guard/runtime';
import { describe, expect, it } from 'vitest';

/** Adds items a, b (lane x) and c (lane y) in one turn, then d while x's flush is in flight. */
async function batchesOf(start: LaneStart): Promise<string[][]> {
  const flushed: string[][] = [];
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const lanes = new LaneBatches<string, string>(
    10,
    async (lane, batch) => {
      flushed.push([lane, ...batch.map((w) => w.item)]);
      if (flushed.length === 1) await gate;
      for (const w of batch) w.resolve(w.item.toUpperCase());
    },
    start,
  );
  const results = [lanes.add('x', 'a'), lanes.add('x', 'b'), lanes.add('y', 'c')];
  await new Promise((r) => setImmediate(r));
  results.push(lanes.add('x', 'd'));
  release();
  expect(await Promise.all(results)).toEqual(['A', 'B', 'C', 'D']);
  return flushed;
}

describe('lane batches', () => {
  it.each<[LaneStart, string[][]]>([
    // The item that finds its lane idle goes at once; what comes during the flush waits for it.
    [
      'now',
      [
        ['x', 'a'],
        ['y', 'c'],
        ['x', 'b', 'd'],
      ],
    ],
    // A turn's items go together at its end; what comes during the flush still waits for it.
    [
      'turnEnd',
      [
        ['x', 'a', 'b'],
        ['y', 'c'],
        ['x', 'd'],
      ],
    ],
  ])('start %s flushes %j', async (start, expected) => {
    expect(await batchesOf(start)).toEqual(expected);
  });
});
