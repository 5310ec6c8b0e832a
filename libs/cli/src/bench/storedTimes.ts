import type { EventBus } from '@chat-guard/bus';
import { DeliverPolicy } from '@nats-io/jetstream';

const MESSAGE_ID = /"messageId":"(\d+)"/;

/**
 * When JetStream stored the event of each wanted message id (ms), for events on `subject` in
 * `stream` stored at or after `since`: the stream's own timestamp, read back through an
 * ordered consumer after the run, so reading costs the measured pipeline nothing.
 */
export async function storedTimes(
  bus: EventBus,
  stream: string,
  subject: string,
  since: number,
  wanted: ReadonlySet<string>,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (wanted.size === 0) return found;
  const name = bus.ns.stream(stream);
  const consumer = await bus.js.consumers.get(name, {
    filter_subjects: bus.ns.subject(subject), // one subject: NATS 2.9 takes no list
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(since).toISOString(),
  });
  // Batches until one comes back empty (the end of the stream) or every id is found.
  for (let more = true; more && found.size < wanted.size; ) {
    more = false;
    for await (const m of await consumer.fetch({ max_messages: 1_000, expires: 2_000 })) {
      more = true;
      const id = MESSAGE_ID.exec(m.string())?.[1];
      if (id !== undefined && wanted.has(id) && !found.has(id))
        found.set(id, Math.round(Number(m.info.timestampNanos) / 1e6));
    }
  }
  return found;
}

/** Up to `count` payloads of `subject` events stored at or after `since`, as stored. */
export async function samplePayloads(
  bus: EventBus,
  stream: string,
  subject: string,
  since: number,
  count: number,
): Promise<string[]> {
  const consumer = await bus.js.consumers.get(bus.ns.stream(stream), {
    filter_subjects: bus.ns.subject(subject), // one subject: NATS 2.9 takes no list
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(since).toISOString(),
  });
  const payloads: string[] = [];
  for await (const m of await consumer.fetch({ max_messages: count, expires: 2_000 }))
    payloads.push(m.string());
  return payloads;
}
