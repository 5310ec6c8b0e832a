import { type ParsedArgs, stringOption, UsageError } from './command.ts';

/** How long a command waits for PostgreSQL, NATS or Redis before it gives up. */
export const CONNECT_TIMEOUT_MS = 10_000;

export type Dependency = 'PostgreSQL' | 'NATS' | 'Redis';

/** A dependency a command could not reach: names it, where, and the flag or variable that says so. */
export class ConnectionError extends Error {
  constructor(
    readonly dependency: Dependency,
    readonly where: string,
    readonly setting: string,
    options: { cause: unknown; timedOut: boolean },
  ) {
    const why = options.timedOut
      ? `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`
      : options.cause instanceof Error
        ? options.cause.message || options.cause.name
        : String(options.cause);
    super(`cannot reach ${dependency} at ${where} (set by ${setting}): ${why}`, { cause: options.cause });
    this.name = 'ConnectionError';
  }
}

/** A listen error in words that name the flag that chose the port. */
export function listenError(err: unknown, port: number, flag: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return new Error(`port ${port} is already in use (${flag}); pick another, or 0 for any free port`, {
      cause: err,
    });
  if (code === 'EACCES')
    return new Error(`port ${port} needs privileges this user lacks (${flag}); pick one above 1023`, {
      cause: err,
    });
  return err;
}

/** `host:port` of a URL, for messages (never its user or password). */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host || url;
  } catch {
    return url;
  }
}

function where(urls: string): string {
  return urls
    .split(',')
    .map((url) => hostOf(url.trim()))
    .join(', ');
}

const SCHEMES: Record<Dependency, RegExp> = {
  PostgreSQL: /^postgres(ql)?:$/,
  NATS: /^(nats|tls|wss?):$/,
  Redis: /^rediss?:$/,
};
const EXAMPLES: Record<Dependency, string> = {
  PostgreSQL: 'postgres://user@host:5432/database',
  NATS: 'nats://host:4222',
  Redis: 'redis://host:6379',
};

/** Why `url` is not a usable URL for `dependency`, or null when it is. */
export function urlProblem(dependency: Dependency, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return `"${url}" is not a URL; expected e.g. ${EXAMPLES[dependency]}`;
  }
  if (!SCHEMES[dependency].test(parsed.protocol))
    return `"${url}" is not a ${dependency} URL; expected e.g. ${EXAMPLES[dependency]}`;
  if (!parsed.hostname) return `"${url}" names no host; expected e.g. ${EXAMPLES[dependency]}`;
  return null;
}

/** A flag's URL (or comma-separated URLs), checked before anything connects; a usage error names the flag. */
export function urlOption(args: ParsedArgs, name: string, dependency: Dependency): string {
  const value = stringOption(args, name);
  const urls = dependency === 'NATS' ? value.split(',') : [value];
  for (const url of urls) {
    const problem = urlProblem(dependency, url);
    if (problem) throw new UsageError(`--${name}: ${problem}`);
  }
  return value;
}

/**
 * Runs `connect` for at most CONNECT_TIMEOUT_MS; any failure, or no answer in time, becomes a
 * ConnectionError naming the dependency, where, and `setting`. `onTimeout` releases what
 * `connect` may still hold.
 */
export async function reach<T>(
  dependency: Dependency,
  url: string,
  setting: string,
  connect: () => Promise<T>,
  onTimeout: () => void = () => undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new ConnectionError(dependency, where(url), setting, { cause: null, timedOut: true }));
    }, CONNECT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([connect(), timeout]);
  } catch (err) {
    if (err instanceof ConnectionError) throw err;
    throw new ConnectionError(dependency, where(url), setting, { cause: err, timedOut: false });
  } finally {
    clearTimeout(timer);
  }
}
