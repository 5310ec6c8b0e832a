/** A failure that no retry can fix: the message goes to the dead-letter stream at once. */
export class PermanentError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** Whether a handler failure should be retried: everything is, unless it says `retryable: false`. */
export function isRetryable(err: unknown): boolean {
  return !(typeof err === 'object' && err !== null && 'retryable' in err && err.retryable === false);
}

/** A payload that fails its event's schema, on publish or on consume. */
export class InvalidEventError extends PermanentError {
  constructor(
    readonly event: string,
    readonly issues: string,
  ) {
    super(`invalid ${event} payload: ${issues}`);
    this.name = 'InvalidEventError';
  }
}

/** A stream or consumer that could not be created or brought in line with its declaration. */
export class ProvisionError extends Error {
  constructor(
    readonly resource: string,
    options?: ErrorOptions,
  ) {
    super(`could not provision ${resource}`, options);
    this.name = 'ProvisionError';
  }
}

/** The message of any thrown value, for reasons and logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A failure because a service this one depends on (PostgreSQL, Redis, NATS) is down. The
 * message is not at fault: the consumer keeps it and retries once the dependency answers,
 * without spending its deliveries.
 */
export class DependencyUnavailableError extends Error {
  readonly dependencyDown = true;
  constructor(
    readonly dependency: string,
    options?: ErrorOptions,
  ) {
    super(`${dependency} is unavailable`, options);
    this.name = 'DependencyUnavailableError';
  }
}

// SQLSTATE class 08 (connection exception), admin/crash shutdown, cannot connect now, too many connections.
const pgDownCodes = /^(08...|57P0[123]|53300)$/;
// Socket-level failures on a connection to a dependency.
const socketDownCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// What pg, pg-pool and ioredis say when their server is gone; they carry no code.
const downMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error/,
  /^Connection is closed\.?$/,
  /^Reached the max retries per request limit/,
];

/** Whether a failure (or one of its causes) means a dependency is down rather than the message being bad. */
export function isDependencyDown(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    if ('dependencyDown' in current && current.dependencyDown === true) return true;
    // An error its thrower classified (a webhook receiver down, a Discord 5xx) is not ours to reread.
    if ('retryable' in current) return false;
    const code = 'code' in current && typeof current.code === 'string' ? current.code : '';
    if (pgDownCodes.test(code) || socketDownCodes.has(code)) return true;
    const message = current instanceof Error ? current.message : '';
    if (downMessages.some((m) => m.test(message))) return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}
