import { setTimeout as sleep } from 'node:timers/promises';

export interface Periodic {
  /** Stops after the run in progress, if any, finishes. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` (measured from the end of one run to the start of the next),
 * reporting failures without stopping.
 */
export function startPeriodic(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (err: unknown) => void,
): Periodic {
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await task();
      } catch (err) {
        onError(err);
      }
      await sleep(intervalMs, undefined, { signal: abort.signal }).catch((err: unknown) => {
        if (!abort.signal.aborted) throw err;
      });
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
