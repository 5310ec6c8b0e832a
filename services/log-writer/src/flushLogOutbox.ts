import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { claimDueEmbeds, completeEmbeds, type OutboxItem, retryEmbeds } from './logOutbox.ts';

/** Discord takes at most 10 embeds in one message. */
const EMBEDS_PER_MESSAGE = 10;

export interface FlushReport {
  readonly posted: number;
  readonly dropped: { channelId: string; reason: string; embeds: number }[];
  readonly deferred: number;
}

/** Groups embeds by channel, in order, into messages of at most ten. */
export function batchByChannel(items: readonly OutboxItem[]): OutboxItem[][] {
  const byChannel = new Map<string, OutboxItem[]>();
  for (const item of items) byChannel.set(item.channelId, [...(byChannel.get(item.channelId) ?? []), item]);
  const batches: OutboxItem[][] = [];
  for (const list of byChannel.values()) {
    for (let i = 0; i < list.length; i += EMBEDS_PER_MESSAGE)
      batches.push(list.slice(i, i + EMBEDS_PER_MESSAGE));
  }
  return batches;
}

/**
 * Posts what is due in the outbox, one message per channel per ten embeds, so a burst of
 * actions costs a few requests instead of one each. A channel Discord refuses (deleted, no
 * permission) has its embeds dropped and reported; other failures are retried later.
 */
export async function flushLogOutbox(
  db: Kysely<Database>,
  discord: Pick<DiscordPort, 'sendMessage'>,
  limit = 100,
): Promise<FlushReport> {
  const items = await claimDueEmbeds(db, limit, 60_000);
  let posted = 0;
  let deferred = 0;
  const dropped: FlushReport['dropped'] = [];
  for (const batch of batchByChannel(items)) {
    const channelId = batch[0]?.channelId;
    if (!channelId) continue;
    try {
      await discord.sendMessage(channelId, {
        embeds: batch.map((i) => i.embed),
        allowed_mentions: { parse: [] },
      });
      await completeEmbeds(
        db,
        batch.map((i) => i.id),
      );
      posted += batch.length;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (isDiscordRefused(err)) {
        await completeEmbeds(
          db,
          batch.map((i) => i.id),
        );
        dropped.push({ channelId, reason, embeds: batch.length });
      } else {
        await retryEmbeds(db, batch, reason);
        deferred += batch.length;
      }
    }
  }
  return { posted, dropped, deferred };
}
