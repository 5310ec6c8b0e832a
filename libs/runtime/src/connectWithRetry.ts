import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '@chat-guard/bus';
import type { Logger } from 'pino';

/**
 * Calls `attempt` until it succeeds, `signal` aborts, or `deadlineMs` has passed, logging each
 * failure on one line with what was being reached: a dependency that is down at start delays
 * readiness; one that stays down ends the start with an error that says what and for how long.
 */
export async function connectWithRetry<T>(
  what: string,
  attempt: () => Promise<T>,
  logger: Logger,
  signal: AbortSignal,
  deadlineMs = Number.POSITIVE_INFINITY,
): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted) throw err;
      const delayMs = Math.min(250 * 2 ** (n - 1), 10_000);
      if (Date.now() + delayMs > giveUpAt)
        throw new Error(
          `${what} is not reachable after ${Math.round(deadlineMs / 1000)} s: ${errorMessage(err)}`,
          {
            cause: err,
          },
        );
      logger.warn({ attempt: n, retryInMs: delayMs, err: errorMessage(err) }, `${what} is not reachable yet`);
      await sleep(delayMs, undefined, { signal });
    }
  }
}
