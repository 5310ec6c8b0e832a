/** Runs at most `concurrency` tasks at once; the rest wait their turn in order. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

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
