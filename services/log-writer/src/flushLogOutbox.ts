import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import {
  assignBatchNonce,
  claimDueEmbeds,
  completeEmbeds,
  type OutboxItem,
  retryEmbeds,
} from './logOutbox.ts';

/** Discord takes at most 10 embeds in one message. */
const EMBEDS_PER_MESSAGE = 10;

export interface FlushReport {
  readonly posted: number;
  readonly dropped: { channelId: string; reason: string; embeds: number }[];
  readonly deferred: number;
}

/**
 * Groups embeds into messages: a batch already attempted stays as it was (same embeds, same
 * nonce); the rest go by channel, in order, at most ten a message.
 */
export function batchByChannel(items: readonly OutboxItem[]): OutboxItem[][] {
  const attempted = new Map<string, OutboxItem[]>();
  const byChannel = new Map<string, OutboxItem[]>();
  for (const item of items) {
    if (item.batchNonce !== null)
      attempted.set(item.batchNonce, [...(attempted.get(item.batchNonce) ?? []), item]);
    else byChannel.set(item.channelId, [...(byChannel.get(item.channelId) ?? []), item]);
  }
  const batches: OutboxItem[][] = [...attempted.values()];
  for (const list of byChannel.values()) {
    for (let i = 0; i < list.length; i += EMBEDS_PER_MESSAGE)
      batches.push(list.slice(i, i + EMBEDS_PER_MESSAGE));
  }
  return batches;
}

/** A batch's nonce: its first embed's id, unique for good (Discord takes up to 25 characters). */
export function batchNonce(batch: readonly OutboxItem[]): string {
  return batch[0]?.batchNonce ?? `log${batch[0]?.id ?? ''}`;
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
    const nonce = batchNonce(batch);
    if (batch[0]?.batchNonce === null)
      await assignBatchNonce(
        db,
        batch.map((i) => i.id),
        nonce,
      );
    try {
      // With an enforced nonce, a retry of a post Discord applied but answered with a 5xx
      // gets the message it made back instead of a second copy.
      await discord.sendMessage(channelId, {
        embeds: batch.map((i) => i.embed),
        allowed_mentions: { parse: [] },
        nonce,
        enforce_nonce: true,
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
