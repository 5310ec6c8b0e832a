import type { JsMsg } from '@nats-io/jetstream';

/** Why a handler waiting on a dependency was woken. */
export type Wake = 'up' | 'probe' | 'stop';

/**
 * Whether a dependency the handlers need is answering. While it is down, messages wait here,
 * not on a backoff of their own: every `probeIntervalMs` one of them (round robin) is woken to
 * try again, after the service's own probe passes if it has one. When that try succeeds the
 * gate opens and every waiter is woken at once, so the backlog drains at full speed.
 */
export class DependencyGate {
  #down = false;
  #stopping = false;
  readonly #waiters: ((wake: Wake) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #probing = false;
  #closed = signal();

  constructor(
    private readonly probeIntervalMs: number,
    private readonly probe: (() => Promise<void>) | undefined,
    private readonly onProbeFailed: (err: unknown) => void,
    private readonly onOpen: () => void,
  ) {}

  get open(): boolean {
    return !this.#down;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Resolves when the gate next closes. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** Closes the gate and waits for the next probe turn, the gate opening, or a stop. */
  wait(): Promise<Wake> {
    if (this.#stopping) return Promise.resolve('stop');
    if (!this.#down) {
      this.#down = true;
      this.#closed.resolve();
      this.#closed = signal();
    }
    this.#timer ??= setInterval(() => void this.#tick(), this.probeIntervalMs);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** A handler succeeded: the dependency answers again. */
  markUp(): void {
    if (!this.#down) return;
    this.#down = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const wake of this.#waiters.splice(0)) wake('up');
    this.onOpen();
  }

  /** Wakes every waiter with `stop`: their messages stay unacknowledged, for redelivery. */
  stop(): void {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const wake of this.#waiters.splice(0)) wake('stop');
  }

  async #tick(): Promise<void> {
    if (this.#probing || this.#waiters.length === 0) return;
    this.#probing = true;
    try {
      if (this.probe) await this.probe();
      this.#waiters.shift()?.('probe');
    } catch (err) {
      this.onProbeFailed(err);
    } finally {
      this.#probing = false;
    }
  }
}

/** Tells the server that kept messages are still being worked on, so their ack wait never lapses. */
export class MessageKeeper {
  readonly #kept = new Set<JsMsg>();
  readonly #timer: NodeJS.Timeout;

  constructor(ackWaitMs: number) {
    this.#timer = setInterval(
      () => {
        for (const msg of this.#kept) msg.working();
      },
      Math.max(100, Math.floor(ackWaitMs / 3)),
    );
    this.#timer.unref();
  }

  keep(msg: JsMsg): void {
    this.#kept.add(msg);
  }

  release(msg: JsMsg): void {
    this.#kept.delete(msg);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

/** A promise with its resolver. */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
