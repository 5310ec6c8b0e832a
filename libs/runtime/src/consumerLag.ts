import type { EventBus } from '@chat-guard/bus';
import type { ConsumerSpec } from '@chat-guard/events';
import { metrics } from '@opentelemetry/api';
import { type Periodic, startPeriodic } from './periodic.ts';

interface ConsumerLag {
  readonly pending: number;
  readonly ackPending: number;
  readonly redelivered: number;
}

const watched = new Map<string, { stream: string; consumer: string; lag: ConsumerLag }>();
let deadLetters: { stream: string; messages: number } | undefined;
let registered = false;

/** Registers the gauges once, after telemetry has started (a meter taken earlier is a no-op). */
function registerGauges(): void {
  if (registered) return;
  registered = true;
  const meter = metrics.getMeter('@chat-guard/runtime');
  const perConsumer = (name: string, description: string, value: (lag: ConsumerLag) => number) =>
    meter.createObservableGauge(name, { description }).addCallback((result) => {
      for (const { stream, consumer, lag } of watched.values())
        result.observe(value(lag), { stream, consumer });
    });
  perConsumer(
    'chatguard_jetstream_consumer_pending_messages',
    'Messages in the stream not yet delivered to the consumer (its lag)',
    (lag) => lag.pending,
  );
  perConsumer(
    'chatguard_jetstream_consumer_ack_pending_messages',
    'Messages delivered to the consumer and not yet acknowledged',
    (lag) => lag.ackPending,
  );
  perConsumer(
    'chatguard_jetstream_consumer_redelivered_messages',
    'Messages delivered more than once and not yet acknowledged',
    (lag) => lag.redelivered,
  );
  meter
    .createObservableGauge('chatguard_deadletter_messages', {
      description: 'Messages held in the dead-letter stream, waiting to be replayed or discarded',
    })
    .addCallback((result) => {
      if (deadLetters) result.observe(deadLetters.messages, { stream: deadLetters.stream });
    });
}

/**
 * Polls JetStream for a service's own durable consumers (pending and ack-pending counts) and
 * the dead-letter stream's size, every `intervalMs`, for the gauges above.
 */
export function watchConsumerLag(
  bus: EventBus,
  consumers: readonly ConsumerSpec[],
  intervalMs: number,
  onError: (err: unknown) => void,
): Periodic {
  registerGauges();
  return startPeriodic(
    intervalMs,
    async () => {
      for (const spec of consumers) {
        const stream = bus.ns.stream(spec.stream);
        const info = await bus.jsm.consumers.info(stream, spec.durable);
        watched.set(`${stream}/${spec.durable}`, {
          stream,
          consumer: spec.durable,
          lag: {
            pending: info.num_pending,
            ackPending: info.num_ack_pending,
            redelivered: info.num_redelivered,
          },
        });
      }
      const stream = bus.ns.stream(bus.topology.deadLetterStream);
      deadLetters = { stream, messages: (await bus.jsm.streams.info(stream)).state.messages };
    },
    onError,
  );
}
