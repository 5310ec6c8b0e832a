import { setTimeout as sleep } from 'node:timers/promises';
import { type EventBus, errorMessage, isRetryable } from '@chat-guard/bus';
import type { EventName, EventPayload } from '@chat-guard/events';

export interface ForwarderReport {
  onRetry(event: EventName, attempt: number, err: unknown): void;
  onDropped(event: EventName, reason: string): void;
}

/**
 * Publishes Discord events to the bus. While NATS is unreachable each event is retried with
 * a growing delay (up to `maxPendingMs`), so a short outage loses nothing; what has waited
 * longer, or would overflow `maxPending`, is reported as dropped.
 */
export class Forwarder {
  #pending = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly report: ForwarderReport,
    private readonly maxPending = 50_000,
    private readonly maxPendingMs = 10 * 60_000,
  ) {}

  get pending(): number {
    return this.#pending;
  }

  /** Publishes in the background; `onPublished` runs once NATS has stored the event. */
  forward<N extends EventName>(name: N, payload: EventPayload<N>, onPublished?: () => void): void {
    if (this.#pending >= this.maxPending) {
      this.report.onDropped(name, `${this.maxPending} events already wait for NATS`);
      return;
    }
    this.#pending++;
    void this.#deliver(name, payload, onPublished).finally(() => {
      this.#pending--;
    });
  }

  async #deliver<N extends EventName>(
    name: N,
    payload: EventPayload<N>,
    onPublished: (() => void) | undefined,
  ): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bus.publish(name, payload);
        onPublished?.();
        return;
      } catch (err) {
        if (!isRetryable(err)) {
          // A payload that fails its schema will fail it again: say so once, never spin on it.
          this.report.onDropped(name, errorMessage(err));
          return;
        }
        if (Date.now() - started > this.maxPendingMs) {
          this.report.onDropped(name, `NATS unreachable for ${this.maxPendingMs} ms: ${errorMessage(err)}`);
          return;
        }
        this.report.onRetry(name, attempt, err);
        await sleep(Math.min(200 * 2 ** (attempt - 1), 10_000));
      }
    }
  }
}
