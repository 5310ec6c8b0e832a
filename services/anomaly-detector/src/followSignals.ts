import { type EventBus, errorMessage } from '@chat-guard/bus';
import {
  guildAvailable,
  inviteCreated,
  memberAttributed,
  memberLeft,
  newcomerPosted,
} from '@chat-guard/events';
import { type Consumer, type ConsumerMessages, DeliverPolicy } from '@nats-io/jetstream';
import type { TraceEvent } from './feedWindows.ts';

/** A join as the detector reads it: the attributed join becomes a join-trace event. */
export function joinTraceEvent(payload: unknown): TraceEvent | null {
  const parsed = memberAttributed.schema.safeParse(payload);
  if (!parsed.success) return null;
  const join = parsed.data;
  if (join.bot) return null; // bots are added through OAuth, never part of a raid window
  return {
    type: 'member.joined',
    ts: join.joinedAt,
    guildId: join.guildId,
    userId: join.userId,
    username: join.username,
    avatar: join.avatar,
    inviteCode:
      join.confidence === 'vanity' ? 'vanity' : join.confidence === 'exact' ? join.inviteCode : null,
  };
}

/**
 * Newcomers' messages, leaves, new invites and guild sizes, as join-trace events; null for the
 * rest. A newcomer's message becomes the trace's `message.created` (the text is read for links
 * and pings, then dropped).
 */
export function discordTraceEvent(subject: string, payload: unknown): TraceEvent | null {
  if (subject.endsWith('.newcomer.posted')) {
    const m = newcomerPosted.schema.safeParse(payload);
    if (!m.success) return null;
    return {
      type: 'message.created',
      ts: m.data.createdAt,
      guildId: m.data.guildId,
      userId: m.data.authorId,
      content: m.data.content,
      mentionCount: m.data.mentionCount,
      mentionsEveryone: m.data.mentionsEveryone,
    };
  }
  if (subject.endsWith('.member.left')) {
    const m = memberLeft.schema.safeParse(payload);
    return m.success
      ? { type: 'member.left', ts: m.data.leftAt, guildId: m.data.guildId, userId: m.data.userId }
      : null;
  }
  if (subject.endsWith('.invite.created')) {
    const m = inviteCreated.schema.safeParse(payload);
    return m.success
      ? {
          type: 'invite.created',
          ts: m.data.createdAt,
          guildId: m.data.guildId,
          code: m.data.code,
          inviterId: m.data.inviterId,
        }
      : null;
  }
  if (subject.endsWith('.guild.available')) {
    const m = guildAvailable.schema.safeParse(payload);
    return m.success
      ? { type: 'guild', ts: m.data.availableAt, guildId: m.data.guildId, memberCount: m.data.memberCount }
      : null;
  }
  return null;
}

const CATCH_UP_LIMIT_MS = 15_000;

export interface SignalFeedOptions {
  /** How far back joins are read at start: the baseline of each guild's join rate. */
  readonly joinLookbackMs: number;
  /** How far back leaves, messages and invites are read at start. */
  readonly discordLookbackMs: number;
  readonly now: () => number;
  readonly onError: (err: Error) => void;
}

export interface SignalFeed {
  /** Resolves once every feed has caught up with what was stored when it started. */
  readonly caughtUp: Promise<void>;
  /**
   * Why a feed is dead, or null while all flow: its consumer is gone from the server (NATS
   * restarted), or the server holds messages for it that have not come for `stallMs`.
   */
  deadFeed(stallMs: number): Promise<string | null>;
  stop(): Promise<void>;
}

/**
 * Every replica reads every join and the Discord events the features need through its own
 * ordered consumers (not the shared durable one), so any replica can take over the ticks
 * with the whole picture. At start each feed replays its lookback, so a restarted replica's
 * windows and baselines come back.
 */
export async function followSignals(
  bus: EventBus,
  apply: (event: TraceEvent) => void,
  options: SignalFeedOptions,
): Promise<SignalFeed> {
  const feeds: {
    stream: string;
    filter: string;
    start: 'time' | 'last';
    lookbackMs: number;
    read: (subject: string, data: unknown) => TraceEvent | null;
  }[] = [
    {
      stream: 'SIGNALS',
      filter: memberAttributed.filter,
      start: 'time',
      lookbackMs: options.joinLookbackMs,
      read: (_subject, data) => joinTraceEvent(data),
    },
    {
      stream: 'DISCORD',
      filter: guildAvailable.filter,
      start: 'last',
      lookbackMs: 0,
      read: discordTraceEvent,
    },
    // Each on its own subject (NATS 2.9 takes one filter per consumer), so the detector never
    // reads the guilds' chat: the gateway publishes newcomers' messages apart.
    ...[newcomerPosted.filter, memberLeft.filter, inviteCreated.filter].map((filter) => ({
      stream: 'DISCORD',
      filter,
      start: 'time' as const,
      lookbackMs: options.discordLookbackMs,
      read: discordTraceEvent,
    })),
  ];
  const running: ConsumerMessages[] = [];
  const caughtUp: Promise<void>[] = [];
  const watched: { filter: string; consumer: Consumer; lastDeliveryAt: number }[] = [];
  for (const feed of feeds) {
    const stream = bus.ns.stream(feed.stream);
    const filter = bus.ns.subject(feed.filter);
    const consumer = await bus.js.consumers.get(stream, {
      filter_subjects: filter,
      ...(feed.start === 'last'
        ? { deliver_policy: DeliverPolicy.LastPerSubject }
        : {
            deliver_policy: DeliverPolicy.StartTime,
            opt_start_time: new Date(options.now() - feed.lookbackMs).toISOString(),
          }),
    });
    const messages = await consumer.consume();
    running.push(messages);
    const watch = { filter: feed.filter, consumer, lastDeliveryAt: options.now() };
    watched.push(watch);
    caughtUp.push(
      new Promise<void>((done) => {
        // Nothing to replay is caught up at once; so is a feed still busy after a while.
        consumer
          .info(false)
          .then((info) => info.num_pending === 0 && done())
          .catch((err: unknown) =>
            // The catch-up limit below still ends the wait; say why it had to.
            options.onError(
              new Error(`reading how far behind the ${feed.filter} feed is failed: ${errorMessage(err)}`),
            ),
          );
        setTimeout(done, CATCH_UP_LIMIT_MS).unref();
        void (async () => {
          for await (const msg of messages) {
            watch.lastDeliveryAt = options.now();
            const subject = bus.ns.unprefix(msg.subject);
            let event: TraceEvent | null = null;
            try {
              event = feed.read(subject, msg.json());
            } catch (err) {
              // Not JSON: the durable consumers dead-letter it; the detector skips it, saying so.
              options.onError(new Error(`skipped an unreadable ${subject}: ${errorMessage(err)}`));
            }
            if (event) apply(event);
            if (msg.info.pending === 0) done();
          }
        })().catch((err: unknown) =>
          options.onError(new Error(`the ${feed.filter} feed stopped: ${errorMessage(err)}`)),
        );
      }),
    );
  }
  return {
    caughtUp: Promise.all(caughtUp).then(() => undefined),
    async deadFeed(stallMs) {
      for (const watch of watched) {
        let pending: number;
        try {
          pending = (await watch.consumer.info(false)).num_pending;
        } catch (err) {
          return `the ${watch.filter} feed's consumer is gone: ${errorMessage(err)}`;
        }
        const quietMs = options.now() - watch.lastDeliveryAt;
        if (pending > 0 && quietMs > stallMs)
          return `the ${watch.filter} feed has ${pending} messages waiting and got none for ${Math.round(quietMs / 1000)} s`;
      }
      return null;
    },
    async stop() {
      await Promise.all(running.map((m) => m.close()));
    },
  };
}
