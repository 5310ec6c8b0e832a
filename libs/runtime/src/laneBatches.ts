/** One queued item with the way to settle it. */
export interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * When a lane with nothing in flight flushes: `now`, with the item that found it idle (the
 * least wait), or at the end of the event-loop turn (`turnEnd`), with every item of that turn
 * (those of one pull from NATS go together).
 */
export type LaneStart = 'now' | 'turnEnd';

/**
 * Coalesces work per lane (a channel, a guild): a lane with nothing in flight is flushed as
 * `start` says; the items that arrive while a flush is in flight wait for it and then go
 * together, up to `max`, in arrival order. `flush` settles every item it is given; whatever it
 * leaves unsettled when it throws is rejected with the error, so the caller retries.
 */
export class LaneBatches<T, R> {
  private readonly lanes = new Map<string, Waiting<T, R>[]>();
  private readonly busy = new Set<string>();
  /** Lanes to be flushed at the end of this turn (`turnEnd`). */
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly flush: (lane: string, batch: readonly Waiting<T, R>[]) => Promise<void>,
    private readonly start: LaneStart = 'now',
  ) {}

  /** Queues an item on its lane; resolves with what its flush decided. */
  add(lane: string, item: T): Promise<R> {
    const result = new Promise<R>((resolve, reject) => {
      const queue = this.lanes.get(lane) ?? [];
      queue.push({ item, resolve, reject });
      this.lanes.set(lane, queue);
    });
    if (this.start === 'now') this.pump(lane);
    else if (!this.busy.has(lane) && !this.scheduled.has(lane)) {
      this.scheduled.add(lane);
      setImmediate(() => {
        this.scheduled.delete(lane);
        this.pump(lane);
      });
    }
    return result;
  }

  private pump(lane: string): void {
    const queue = this.lanes.get(lane);
    if (!queue || this.busy.has(lane)) return;
    const batch = queue.splice(0, this.max);
    if (queue.length === 0) this.lanes.delete(lane);
    this.busy.add(lane);
    void this.run(lane, batch).finally(() => {
      this.busy.delete(lane);
      this.pump(lane);
    });
  }

  private async run(lane: string, batch: readonly Waiting<T, R>[]): Promise<void> {
    try {
      await this.flush(lane, batch);
    } catch (err) {
      // Settling twice is a no-op: only what the flush left open is rejected.
      for (const w of batch) w.reject(err);
    }
  }
}
