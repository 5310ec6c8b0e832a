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
