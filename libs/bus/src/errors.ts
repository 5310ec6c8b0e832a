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
