import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** Where `npm run build` puts the compiled services: what the image runs. */
export const compiledDir = fileURLToPath(new URL('../../../dist/', import.meta.url));

/**
 * The node arguments that run a service with telemetry preloaded, after any in
 * CHAT_GUARD_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile, or a heap limit):
 * from source through tsx, or with CHAT_GUARD_RUNTIME=compiled from the bundles in dist/ that
 * the image runs (`npm run build` first).
 */
export function serviceArgs(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.CHAT_GUARD_NODE_ARGS ?? '').split(' ').filter(Boolean);
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
  return [...extra, '--enable-source-maps', '--import', join(compiledDir, 'instrument.mjs'), main];
}
