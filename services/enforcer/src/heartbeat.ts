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
