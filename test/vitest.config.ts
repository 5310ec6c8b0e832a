import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests talk to the real NATS, Redis and PostgreSQL of this machine. Three files
    // at a time on two cores: most of an end-to-end file waits on traffic played in real time,
    // and with two the cores sat a third idle (CI took 16 minutes; with three, under 15).
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
