import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where services are started from. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceInfo {
  readonly name: string;
  readonly httpPort: number;
}

/** The six core services, the verifier and the dashboard, and the ops port each serves by default. */
export const services: readonly ServiceInfo[] = [
  { name: 'gateway', httpPort: 8081 },
  { name: 'content-filter', httpPort: 8082 },
  { name: 'invite-tracker', httpPort: 8083 },
  { name: 'anomaly-detector', httpPort: 8084 },
  { name: 'enforcer', httpPort: 8085 },
  { name: 'log-writer', httpPort: 8086 },
  { name: 'verifier', httpPort: 8087 },
  { name: 'dashboard', httpPort: 8088 },
];

/** Where the dashboard serves its pages by default (its ops port is above). */
export const DASHBOARD_WEB_PORT = 8091;

/**
 * Where `npm run build` puts the compiled services: what the image runs. From source that is
 * the repository's dist/; from the bundled CLI (dist/chat-guard.mjs or a chunk under it) it is
 * the bundle's own directory, found by walking up to the one that holds instrument.mjs.
 */
export const compiledDir = findCompiledDir(dirname(fileURLToPath(import.meta.url)));

function findCompiledDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'instrument.mjs')) && existsSync(join(dir, 'services'))) return `${dir}/`;
    if (dirname(dir) === dir) return fileURLToPath(new URL('../../../dist/', import.meta.url));
  }
}

/**
 * A 2-MB young generation: Node's default lets it grow to 48 MB under load, which is most of a
 * service's resident memory. And a heap that grows by a fifth between major collections, not by
 * V8's factor of up to 2 for small heaps: the services' garbage waits for fewer megabytes
 * (8 to 18 MB less resident at 500 messages/s, the same CPU; docs/benchmark.md). Node refuses
 * --heap-growing-percent in NODE_OPTIONS, so the image passes it in its entrypoint.
 * Stack traces map to the sources with --enable-source-maps.
 */
export const SERVICE_NODE_ARGS = ['--max-semi-space-size=2', '--heap-growing-percent=20'];

/**
 * At most two malloc arenas: glibc otherwise gives each thread that allocates (V8's garbage
 * collector helpers, libuv's pool) an arena of its own, whose freed pages stay resident. With two,
 * every service is a few MB smaller (the gateway about 6 MB in short runs; docs/benchmark.md),
 * for the same CPU. The image sets it too; a value in the caller's environment wins.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** The environment a service runs in: SERVICE_ENV under what the caller passes. */
export function serviceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...SERVICE_ENV, ...env };
}

/**
 * The node arguments that run a service with telemetry preloaded, after any in
 * CHAT_GUARD_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile, or a heap limit):
 * from source through tsx, or with CHAT_GUARD_RUNTIME=compiled from the bundles in dist/ that
 * the image runs (`npm run build` first).
 */
export function serviceArgs(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  // As the image runs them (see deploy/docker/Dockerfile); CHAT_GUARD_NODE_ARGS comes after, so
  // a value of its own for either flag wins.
  const extra = [...SERVICE_NODE_ARGS, ...(env.CHAT_GUARD_NODE_ARGS ?? '').split(' ')].filter(Boolean);
  const runtime = env.CHAT_GUARD_RUNTIME ?? 'source';
  if (runtime === 'source')
    return [
      ...extra,
      '--import',
      'tsx',
      '--import',
      '@chat-guard/runtime/instrument',
      `services/${name}/src/main.ts`,
    ];
  if (runtime !== 'compiled')
    throw new Error(`CHAT_GUARD_RUNTIME must be "source" or "compiled", not ${JSON.stringify(runtime)}`);
  const main = join(compiledDir, 'services', name, 'main.mjs');
  if (!existsSync(main))
    throw new Error(`CHAT_GUARD_RUNTIME=compiled but ${main} does not exist: run \`npm run build\` first`);
  return [...extra, '--import', join(compiledDir, 'instrument.mjs'), main];
}
