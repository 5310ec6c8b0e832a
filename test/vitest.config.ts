import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take a minute or more, started first in this order, so the short files fill
 * in around them instead of one long file ending the run alone. (Without a cache of past
 * durations, as on a fresh clone, Vitest starts the largest files first, and these are small.)
 */
const LONG_FIRST = [
  'test/e2e/lockdown.test.ts',
  'test/cli/faults.test.ts',
  'test/e2e/up.test.ts',
  'test/cli/bench.test.ts',
  'test/dashboard/browser.test.ts',
  'test/e2e/resilience.test.ts',
  'test/bus/postgresOutage.test.ts',
  'test/runtime/service.test.ts',
  'test/cli/errors.test.ts',
  'test/cli/model.test.ts',
];

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONG_FIRST.findIndex((path) => f.moduleId.endsWith(path));
      return i < 0 ? LONG_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests talk to the real NATS, Redis and PostgreSQL of this machine. Three files
    // at a time on two cores: most of an end-to-end file waits on traffic played in real time,
    // and with two the cores sat a third idle (CI took 16 minutes; with three, under 15).
    pool: 'forks',
    maxWorkers: 3,
    // Bounds for what hangs, not timings: three files at a time on two cores can make a process
    // start (tsx, TF.js's wasm) take several times what it takes alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    sequence: { sequencer: LongFirst },
  },
});
