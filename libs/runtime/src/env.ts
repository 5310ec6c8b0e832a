import { z } from 'zod';

/** A bad or missing environment variable, named. */
export class EnvError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`invalid environment: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`);
    this.name = 'EnvError';
  }
}

/**
 * A setting the service cannot work with, found after start (a bot token Discord rejects):
 * the service logs one line naming the variable and exits 78 without a restart loop.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** True for a ConfigError, across module copies. */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError' && 'variable' in err;
}

/** True when `value` parses as a URL of one of `protocols` that names a host. */
function isUrlOf(value: string, protocols: RegExp): boolean {
  try {
    const url = new URL(value.trim());
    return protocols.test(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

const urlOf = (protocols: RegExp, what: string) =>
  z.string().refine((v) => isUrlOf(v, protocols), { message: `must be ${what}` });

const natsUrls = z.string().refine((v) => v.split(',').every((u) => isUrlOf(u, /^(nats|tls|wss?):$/)), {
  message: 'must be one or more nats:// URLs separated by commas',
});

/** What every service reads from its environment. */
export const baseEnv = z.object({
  NATS_URL: natsUrls.default('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'may only hold letters, digits, _ and -')
    .default(''),
  NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  DATABASE_URL: urlOf(/^postgres(ql)?:$/, 'a postgres:// URL with a host').default(
    'postgres://postgres@127.0.0.1:5432/chatguard',
  ),
  REDIS_URL: urlOf(/^rediss?:$/, 'a redis:// URL with a host').default('redis://127.0.0.1:6379'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Loopback unless told otherwise: the ops port serves only health and metrics, to the pod or the host.
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of /healthz, /readyz and /metrics; each service has its own default. */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(16),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(25_000),
  /** How long a starting service retries a NATS it cannot reach before it exits 1. */
  CONNECT_DEADLINE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  /** How often a service reads its consumers' pending counts from JetStream for /metrics. */
  LAG_POLL_INTERVAL_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
});

export type BaseEnv = z.infer<typeof baseEnv>;

/**
 * Parses the environment once at start. Empty values count as unset (Kubernetes often
 * renders them); every problem is reported with the variable's name.
 */
export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.message,
    })),
  );
}

/** What services that call Discord read: the bot token and where Discord's REST API is. */
export const discordEnv = baseEnv.extend({
  DISCORD_TOKEN: z
    .string({ error: 'is required: the bot token (`chat-guard sandbox` prints one for local runs)' })
    .min(1),
  DISCORD_API_URL: z
    .string()
    .regex(/^https?:\/\/\S+\/api$/, 'must be a URL ending in /api, e.g. https://discord.com/api')
    .default('https://discord.com/api'),
});

export type DiscordEnv = z.infer<typeof discordEnv>;
