import type { EventBus } from '@chat-guard/bus';
import { raidScored } from '@chat-guard/events';
import { DeliverPolicy } from '@nats-io/jetstream';

export interface ScorePoint {
  readonly at: number;
  readonly score: number;
  readonly level: string;
}

/**
 * A guild's raid scores between two times, as the SIGNALS stream still holds them (a day):
 * read once through an ordered consumer that is closed when it reaches the end or `toMs`.
 */
export async function scoreHistory(
  bus: EventBus,
  guildId: string,
  fromMs: number,
  toMs: number,
  max = 2_000,
): Promise<ScorePoint[]> {
  const consumer = await bus.js.consumers.get(bus.ns.stream('SIGNALS'), {
    filter_subjects: bus.ns.subject(`signal.${guildId}.raid.scored`),
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(fromMs).toISOString(),
  });
  if ((await consumer.info(true)).num_pending === 0) {
    await consumer.delete().catch(() => false);
    return [];
  }
  const points: ScorePoint[] = [];
  const messages = await consumer.consume();
  try {
    for await (const msg of messages) {
      const parsed = raidScored.schema.safeParse(
        (() => {
          try {
            return msg.json();
          } catch {
            return null;
          }
        })(),
      );
      if (parsed.success) {
        if (parsed.data.scoredAt > toMs) break;
        points.push({ at: parsed.data.scoredAt, score: parsed.data.score, level: parsed.data.level });
      }
      if (msg.info.pending === 0 || points.length >= max) break;
    }
  } finally {
    await messages.close();
  }
  return points;
}
