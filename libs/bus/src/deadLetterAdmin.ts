import { DEAD_LETTER_STREAM } from '@chat-guard/events';
import { headers as createHeaders } from '@nats-io/nats-core';
import type { EventBus } from './bus.ts';
import {
  DEAD_CONSUMER_HEADER,
  DEAD_DELIVERIES_HEADER,
  DEAD_REASON_HEADER,
  DEAD_SEQUENCE_HEADER,
  DEAD_STREAM_HEADER,
  DEAD_SUBJECT_HEADER,
} from './deadLetter.ts';

export interface DeadLetterEntry {
  /** Its sequence in the dead-letter stream: what `replay` and `discard` take. */
  readonly seq: number;
  readonly at: Date;
  readonly subject: string;
  readonly consumer: string;
  readonly reason: string;
  readonly deliveries: number;
  readonly size: number;
}

const DEAD_HEADERS = new Set(
  [
    DEAD_REASON_HEADER,
    DEAD_SUBJECT_HEADER,
    DEAD_STREAM_HEADER,
    DEAD_SEQUENCE_HEADER,
    DEAD_CONSUMER_HEADER,
    DEAD_DELIVERIES_HEADER,
  ].map((h) => h.toLowerCase()),
);

/** The dead letters, oldest first, up to `limit`. */
export async function listDeadLetters(bus: EventBus, limit: number): Promise<DeadLetterEntry[]> {
  const stream = bus.ns.stream(DEAD_LETTER_STREAM);
  const { state } = await bus.jsm.streams.info(stream);
  const entries: DeadLetterEntry[] = [];
  for (
    let seq = state.first_seq;
    seq <= state.last_seq && state.messages > 0 && entries.length < limit;
    seq++
  ) {
    const stored = await bus.jsm.streams.getMessage(stream, { seq }).catch((err: unknown) => {
      if (String(err).includes('no message found')) return null; // discarded earlier: a gap
      throw err;
    });
    if (!stored) continue;
    entries.push({
      seq,
      at: stored.time,
      subject: stored.header.get(DEAD_SUBJECT_HEADER),
      consumer: stored.header.get(DEAD_CONSUMER_HEADER),
      reason: stored.header.get(DEAD_REASON_HEADER),
      deliveries: Number(stored.header.get(DEAD_DELIVERIES_HEADER) || 0),
      size: stored.data.length,
    });
  }
  return entries;
}

/**
 * Publishes a dead letter again to its original subject (with its original headers, and a new
 * message id so that JetStream's dedupe does not drop it), then removes it from the
 * dead-letter stream. For after the cause is fixed: a handler deployed, a schema relaxed.
 */
export async function replayDeadLetter(bus: EventBus, seq: number): Promise<{ subject: string }> {
  const stream = bus.ns.stream(DEAD_LETTER_STREAM);
  const stored = await bus.jsm.streams.getMessage(stream, { seq });
  if (!stored) throw new Error(`no dead letter ${seq}`);
  const subject = stored.header.get(DEAD_SUBJECT_HEADER);
  if (!subject) throw new Error(`dead letter ${seq} does not say where it came from`);
  const h = createHeaders();
  for (const key of stored.header.keys()) {
    if (DEAD_HEADERS.has(key.toLowerCase()) || key.toLowerCase() === 'nats-msg-id') continue;
    for (const value of stored.header.values(key)) h.append(key, value);
  }
  await bus.js.publish(subject, stored.data, { headers: h, msgID: `replay:${stream}:${seq}` });
  await bus.jsm.streams.deleteMessage(stream, seq);
  return { subject };
}

/** Removes a dead letter for good. */
export async function discardDeadLetter(bus: EventBus, seq: number): Promise<void> {
  await bus.jsm.streams.deleteMessage(bus.ns.stream(DEAD_LETTER_STREAM), seq);
}
