import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests talk to the real NATS, Redis and PostgreSQL of this machine; two cores.
    // Three files at a time made it 1.5 minutes faster but flaky: services started late and a
    // stop under load redelivered messages a test counts once. Two it stays.
    pool: 'forks',
    maxWorkers: 2,
    // Bounds for what hangs, not timings: two busy files on two cores can make a process start
    // (tsx, TF.js's wasm) take several times what it takes alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // The services' bundles, built once: the tests start services as the image runs them.
    globalSetup: ['test/support/globalSetup.ts'],
  },
});
