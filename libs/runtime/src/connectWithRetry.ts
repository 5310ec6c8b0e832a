import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '@chat-guard/bus';
import type { Logger } from 'pino';

/**
 * Calls `attempt` until it succeeds or `signal` aborts, logging each failure with what was
 * being reached: a dependency that is down at start delays readiness, it does not crash.
 */
export async function connectWithRetry<T>(
  what: string,
  attempt: () => Promise<T>,
  logger: Logger,
  signal: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted) throw err;
      const delayMs = Math.min(250 * 2 ** (n - 1), 10_000);
      logger.warn({ attempt: n, retryInMs: delayMs, err: errorMessage(err) }, `${what} is not reachable yet`);
      await sleep(delayMs, undefined, { signal });
    }
  }
}
