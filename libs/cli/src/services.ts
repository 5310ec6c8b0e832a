import { fileURLToPath } from 'node:url';

/** The repository root, where services are started from. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceInfo {
  readonly name: string;
  readonly httpPort: number;
}

/** The six services and the ops port each serves by default. */
export const services: readonly ServiceInfo[] = [
  { name: 'gateway', httpPort: 8081 },
  { name: 'content-filter', httpPort: 8082 },
  { name: 'invite-tracker', httpPort: 8083 },
  { name: 'anomaly-detector', httpPort: 8084 },
  { name: 'enforcer', httpPort: 8085 },
  { name: 'log-writer', httpPort: 8086 },
];

/**
 * The node arguments that run a service from source with telemetry preloaded, after any in
 * CHAT_GUARD_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile, or a heap limit).
 */
export function serviceArgs(name: string): string[] {
  const extra = (process.env.CHAT_GUARD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [
    ...extra,
    '--import',
    'tsx',
    '--import',
    '@chat-guard/runtime/instrument',
    `services/${name}/src/main.ts`,
  ];
}
