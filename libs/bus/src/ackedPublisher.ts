import { type ApiError, JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { DependencyUnavailableError } from './errors.ts';

interface Waiting {
  readonly subject: string;
  readonly deadline: number;
  resolve(ack: PubAck): void;
  reject(err: unknown): void;
}

/**
 * Publishes to JetStream and waits for the stream's acknowledgement on one shared inbox.
 * nats.js's `js.publish` settles each request through `RequestOne.cancel()`, which builds a
 * `RequestError("cancelled")`, stack and all, after every successful acknowledgement; here a
 * reply is matched to its publish by a token and nothing is built that is not used.
 */
export class AckedPublisher {
  readonly #prefix = `${createInbox()}.`;
  readonly #waiting = new Map<string, Waiting>();
  readonly #sweep: NodeJS.Timeout;
  #next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {
    nc.subscribe(`${this.#prefix}*`, {
      callback: (err, msg) => (err ? this.#failAll(err) : this.#settle(msg)),
    });
    // One timer for every publish in flight, not one each.
    this.#sweep = setInterval(() => this.#expire(), Math.min(250, timeoutMs));
    this.#sweep.unref();
  }

  /** Publishes and resolves with JetStream's acknowledgement; rejects with its refusal. */
  publish(subject: string, data: string, headers: MsgHdrs): Promise<PubAck> {
    this.#next += 1;
    const token = this.#next.toString(36);
    return new Promise<PubAck>((resolve, reject) => {
      this.#waiting.set(token, { subject, deadline: performance.now() + this.timeoutMs, resolve, reject });
      try {
        this.nc.publish(subject, data, { reply: this.#prefix + token, headers });
      } catch (err) {
        this.#waiting.delete(token);
        reject(new DependencyUnavailableError('NATS', { cause: err }));
      }
    });
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#failAll(new Error('the bus was closed'));
  }

  /** The inbox itself failed (e.g. a permission error): no acknowledgement will come. */
  #failAll(err: unknown): void {
    for (const waiting of this.#waiting.values()) waiting.reject(err);
    this.#waiting.clear();
  }

  #settle(msg: Msg): void {
    const token = msg.subject.slice(this.#prefix.length);
    const waiting = this.#waiting.get(token);
    if (!waiting) return; // timed out already: its publisher was told
    this.#waiting.delete(token);
    if (msg.headers?.code === 503) {
      waiting.reject(new Error(`no JetStream stream takes ${waiting.subject}`));
      return;
    }
    try {
      const reply = msg.json<Partial<PubAck> & { error?: ApiError }>();
      if (reply.error) waiting.reject(new JetStreamApiError(reply.error));
      else if (!reply.stream || typeof reply.seq !== 'number') {
        waiting.reject(new Error(`JetStream acknowledged ${waiting.subject} without a stream and sequence`));
      } else waiting.resolve({ ...reply, duplicate: reply.duplicate === true } as PubAck);
    } catch (err) {
      waiting.reject(
        new Error(`JetStream's acknowledgement of ${waiting.subject} is not JSON`, { cause: err }),
      );
    }
  }

  #expire(): void {
    const now = performance.now();
    for (const [token, waiting] of this.#waiting) {
      if (waiting.deadline > now) break; // deadlines grow in insertion order
      this.#waiting.delete(token);
      const cause = new Error(`no acknowledgement for ${waiting.subject} within ${this.timeoutMs} ms`);
      waiting.reject(new DependencyUnavailableError('NATS JetStream', { cause }));
    }
  }
}
