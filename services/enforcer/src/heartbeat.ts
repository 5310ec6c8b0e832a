import type { Handlers, MessageMeta } from '@chat-guard/bus';

/**
 * Calls `working` every `everyMs` while the task runs, so a step that waits on Discord's rate
 * limit keeps its message (the ack deadline is extended) instead of having it redelivered.
 */
export async function whileWorking<T>(
  working: (() => void) | undefined,
  everyMs: number,
  task: () => Promise<T>,
): Promise<T> {
  if (!working) return task();
  const beat = setInterval(working, everyMs);
  try {
    return await task();
  } finally {
    clearInterval(beat);
  }
}

/** The same handlers, each heartbeating (see `whileWorking`) while it runs. */
export function withHeartbeat(handlers: Handlers, everyMs: number): Handlers {
  const beating = Object.entries(handlers).map(([event, handle]) => {
    const run = handle as (payload: unknown, meta: MessageMeta) => Promise<void>;
    return [
      event,
      (payload: unknown, meta: MessageMeta) => whileWorking(meta.working, everyMs, () => run(payload, meta)),
    ];
  });
  return Object.fromEntries(beating) as Handlers;
}
