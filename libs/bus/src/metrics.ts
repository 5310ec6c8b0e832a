import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('@chat-guard/bus');

/** Deliveries by consumer, event and what became of them (acked, ignored, retry, dead). */
export const deliveries = meter.createCounter('chatguard_bus_deliveries', {
  description: 'Messages delivered to a consumer, by outcome',
});

/** Time a handler took, acked or not. */
export const handlerDuration = meter.createHistogram('chatguard_bus_handler_duration_ms', {
  description: 'Handler time per delivery in milliseconds',
  unit: 'ms',
});

/** Events published, by event and whether JetStream saw them as duplicates. */
export const published = meter.createCounter('chatguard_bus_published', {
  description: 'Events published, by event and duplicate flag',
});
