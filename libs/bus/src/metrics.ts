import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('@chat-guard/bus');

/** Buckets for handler times in seconds, from a cache hit to a Discord call waiting out a 429. */
export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Deliveries by consumer, event and what became of them (acked, ignored, retry, dead). */
export const deliveries = meter.createCounter('chatguard_bus_deliveries_total', {
  description: 'Messages delivered to a consumer, by outcome',
});

/** Time a handler took, acked or not. */
export const handlerDuration = meter.createHistogram('chatguard_bus_handler_duration_seconds', {
  description: 'Handler time per delivery',
  unit: 's',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});

/** Events published, by event and whether JetStream saw them as duplicates. */
export const published = meter.createCounter('chatguard_bus_published_total', {
  description: 'Events published, by event and duplicate flag',
});

/** Messages copied to the dead-letter stream, by the consumer that gave up on them. */
export const deadLettered = meter.createCounter('chatguard_bus_dead_letters_total', {
  description: 'Messages dead-lettered, by stream and consumer',
});

/**
 * Deliveries counted in memory and added to the counter once a second (and on close), so the
 * hot path pays for a map increment, not an attribute hash per message.
 */
export class DeliveryTally {
  readonly #counts = new Map<string, { labels: Record<string, string>; n: number }>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly consumer: string,
    flushMs = 1_000,
  ) {
    this.#timer = setInterval(() => this.flush(), flushMs);
    this.#timer.unref();
  }

  count(event: string, outcome: string): void {
    const key = `${event}\u0000${outcome}`;
    const entry = this.#counts.get(key);
    if (entry) entry.n += 1;
    else this.#counts.set(key, { labels: { consumer: this.consumer, event, outcome }, n: 1 });
  }

  flush(): void {
    for (const entry of this.#counts.values()) {
      if (entry.n > 0) deliveries.add(entry.n, entry.labels);
      entry.n = 0;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}
