import { DEAD_REASON_HEADER, DEAD_SUBJECT_HEADER, type EventBus } from '@chat-guard/bus';
import { DEAD_LETTER_STREAM } from '@chat-guard/events';

export interface DeadLetter {
  readonly subject: string;
  readonly originalSubject: string;
  readonly reason: string;
  readonly body: string;
}

/** Every message in the namespace's dead-letter stream, oldest first. */
export async function readDeadLetters(bus: EventBus): Promise<DeadLetter[]> {
  const stream = bus.ns.stream(DEAD_LETTER_STREAM);
  const { state } = await bus.jsm.streams.info(stream);
  const letters: DeadLetter[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const stored = await bus.jsm.streams.getMessage(stream, { seq });
    if (!stored) continue;
    letters.push({
      subject: stored.subject,
      originalSubject: stored.header.get(DEAD_SUBJECT_HEADER),
      reason: stored.header.get(DEAD_REASON_HEADER),
      body: new TextDecoder().decode(stored.data),
    });
  }
  return letters;
}
