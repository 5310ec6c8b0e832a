import type { ConsumerSpec } from '@chat-guard/events';
import type { JsMsg } from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs, type Subscription } from '@nats-io/nats-core';
import { z } from 'zod';
import type { EventBus } from './bus.ts';
import { errorMessage } from './errors.ts';
import { deadLettered } from './metrics.ts';

export const DEAD_REASON_HEADER = 'Chat-Guard-Dead-Reason';
export const DEAD_SUBJECT_HEADER = 'Chat-Guard-Dead-Subject';
export const DEAD_STREAM_HEADER = 'Chat-Guard-Dead-Stream';
export const DEAD_SEQUENCE_HEADER = 'Chat-Guard-Dead-Sequence';
export const DEAD_CONSUMER_HEADER = 'Chat-Guard-Dead-Consumer';
export const DEAD_DELIVERIES_HEADER = 'Chat-Guard-Dead-Deliveries';

export interface DeadMessage {
  readonly stream: string;
  readonly consumer: string;
  readonly subject: string;
  readonly streamSequence: number;
  readonly deliveries: number;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  readonly reason: string;
}

/** A header value holds one line of printable text. */
function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' | ').slice(0, 1024);
}

/** Copies a message with its reason to the dead-letter stream, once per stream sequence. */
export async function copyToDeadLetter(bus: EventBus, dead: DeadMessage): Promise<void> {
  const h = createHeaders();
  for (const key of dead.headers?.keys() ?? []) {
    for (const value of dead.headers?.values(key) ?? []) h.append(key, value);
  }
  h.set(DEAD_REASON_HEADER, headerSafe(dead.reason));
  h.set(DEAD_SUBJECT_HEADER, dead.subject);
  h.set(DEAD_STREAM_HEADER, dead.stream);
  h.set(DEAD_SEQUENCE_HEADER, String(dead.streamSequence));
  h.set(DEAD_CONSUMER_HEADER, dead.consumer);
  h.set(DEAD_DELIVERIES_HEADER, String(dead.deliveries));
  const subject = bus.ns.subject(`deadletter.${dead.stream}.${dead.consumer}`);
  await bus.js.publish(subject, dead.data, {
    msgID: `dead:${dead.stream}:${dead.streamSequence}`,
    headers: h,
  });
  deadLettered.add(1, { stream: dead.stream, consumer: dead.consumer });
}

/**
 * Dead-letters a delivered message, then terminates it. If the copy fails the message is
 * redelivered later instead, and the copy's error is returned.
 */
export async function deadLetterAndTerm(
  bus: EventBus,
  msg: JsMsg,
  consumer: string,
  reason: string,
): Promise<Error | undefined> {
  try {
    await copyToDeadLetter(bus, {
      stream: msg.info.stream,
      consumer,
      subject: msg.subject,
      streamSequence: msg.info.streamSequence,
      deliveries: msg.info.deliveryCount,
      data: msg.data,
      headers: msg.headers,
      reason,
    });
  } catch (err) {
    msg.nak(1_000);
    return new Error(`could not dead-letter ${msg.subject}: ${errorMessage(err)}`, { cause: err });
  }
  // No reason: nats-server 2.9 (Debian's) does not understand `+TERM <reason>` and redelivers
  // the message; the reason is in the dead-letter copy's header instead.
  msg.term();
  return undefined;
}

const maxDeliveriesAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().nonnegative(),
});
type MaxDeliveriesAdvisory = z.infer<typeof maxDeliveriesAdvisory>;

/**
 * Dead-letters messages that ran out of deliveries without any handler seeing them fail,
 * e.g. every replica that took them crashed. JetStream announces those in an advisory.
 */
export function watchMaxDeliveries(
  bus: EventBus,
  consumers: readonly ConsumerSpec[],
  onError: (err: Error) => void,
): Subscription[] {
  return consumers.map((spec) => {
    const stream = bus.ns.stream(spec.stream);
    const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${spec.durable}`;
    return bus.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return onError(err);
        const advisory = maxDeliveriesAdvisory.safeParse(msg.json());
        if (!advisory.success) return onError(new Error(`unreadable advisory on ${subject}`));
        const seq = advisory.data.stream_seq;
        copyStoredMessage(bus, advisory.data).catch((e: unknown) =>
          onError(new Error(`could not dead-letter ${stream}#${seq}: ${errorMessage(e)}`, { cause: e })),
        );
      },
    });
  });
}

async function copyStoredMessage(bus: EventBus, advisory: MaxDeliveriesAdvisory): Promise<void> {
  const stored = await bus.jsm.streams.getMessage(advisory.stream, { seq: advisory.stream_seq });
  if (!stored) return;
  await copyToDeadLetter(bus, {
    stream: advisory.stream,
    consumer: advisory.consumer,
    subject: stored.subject,
    streamSequence: advisory.stream_seq,
    deliveries: advisory.deliveries,
    data: stored.data,
    headers: stored.header,
    reason: `not acknowledged after ${advisory.deliveries} deliveries (the handlers crashed or timed out)`,
  });
}
