import { type EventBus, errorMessage } from '@chat-guard/bus';
import { type ConsumerMessages, DeliverPolicy } from '@nats-io/jetstream';
import { type LiveEvent, liveFilters, toLiveEvent } from './liveEvents.ts';

export interface GuildFollow {
  stop(): Promise<void>;
}

/**
 * Follows one guild's live subjects through ordered consumers of its own (nothing shared, no
 * polling): first what happened since `replayFromMs`, then each event as JetStream delivers it.
 */
export async function followGuild(
  bus: EventBus,
  guildId: string,
  replayFromMs: number,
  emit: (event: LiveEvent) => void,
  onError: (err: Error) => void,
): Promise<GuildFollow> {
  const running: ConsumerMessages[] = [];
  try {
    for (const feed of liveFilters(guildId)) {
      const consumer = await bus.js.consumers.get(bus.ns.stream(feed.stream), {
        filter_subjects: bus.ns.subject(feed.filter),
        ...(feed.replay
          ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(replayFromMs).toISOString() }
          : { deliver_policy: DeliverPolicy.New }),
      });
      const messages = await consumer.consume();
      running.push(messages);
      void (async () => {
        for await (const msg of messages) {
          let data: unknown;
          try {
            data = msg.json();
          } catch {
            continue; // not JSON: the durable consumers dead-letter it; a live view skips it
          }
          const event = toLiveEvent(bus.ns.unprefix(msg.subject), data);
          if (event) emit(event);
        }
      })().catch((err: unknown) =>
        onError(new Error(`live feed ${feed.filter} stopped: ${errorMessage(err)}`)),
      );
    }
  } catch (err) {
    await Promise.all(running.map((m) => m.close()));
    throw err;
  }
  return {
    async stop() {
      await Promise.all(running.map((m) => m.close()));
    },
  };
}
