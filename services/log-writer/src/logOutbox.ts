import type { Database } from '@chat-guard/store';
import type { APIEmbed } from 'discord-api-types/v10';
import { type Kysely, sql, type Transaction } from 'kysely';

export interface OutboxItem {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly embed: APIEmbed;
  readonly attempts: number;
  /** The nonce of the batch it was first attempted in, or null before any attempt. */
  readonly batchNonce: string | null;
}

/** Queues embeds for log channels, in one statement inside the caller's transaction. */
export async function enqueueEmbeds(
  trx: Transaction<Database>,
  guildId: string,
  embeds: readonly { readonly channelId: string; readonly embed: APIEmbed }[],
) {
  if (embeds.length === 0) return;
  await trx
    .insertInto('log_outbox')
    .values(
      embeds.map(({ channelId, embed }) => ({
        guild_id: guildId,
        channel_id: channelId,
        embed: JSON.stringify(embed),
      })),
    )
    .execute();
}

/**
 * Leases up to `limit` due embeds, oldest first, skipping what other replicas hold; a lease
 * that is not completed (a crash) expires and the embeds are taken again.
 */
export async function claimDueEmbeds(
  db: Kysely<Database>,
  limit: number,
  leaseMs: number,
): Promise<OutboxItem[]> {
  const rows = await sql<{
    id: string;
    guild_id: string;
    channel_id: string;
    embed: APIEmbed;
    attempts: number;
    batch_nonce: string | null;
  }>`
    update log_outbox set lease_until = now() + ${`${leaseMs} milliseconds`}::interval
    where id in (
      select id from log_outbox
      where next_attempt_at <= now() and (lease_until is null or lease_until < now())
      order by id limit ${limit}
      for update skip locked)
    returning id, guild_id, channel_id, embed, attempts, batch_nonce`.execute(db);
  return rows.rows
    .map((r) => ({
      id: r.id,
      guildId: r.guild_id,
      channelId: r.channel_id,
      embed: r.embed,
      attempts: r.attempts,
      batchNonce: r.batch_nonce,
    }))
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** Fixes the nonce a batch is posted with before its first attempt, so every retry reuses it. */
export async function assignBatchNonce(
  db: Kysely<Database>,
  ids: readonly string[],
  nonce: string,
): Promise<void> {
  if (ids.length > 0)
    await db.updateTable('log_outbox').set({ batch_nonce: nonce }).where('id', 'in', ids).execute();
}

/** Removes posted (or undeliverable) embeds. */
export async function completeEmbeds(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('log_outbox').where('id', 'in', ids).execute();
}

/** Puts embeds back for a later attempt, after a delay that grows with each failure. */
export async function retryEmbeds(
  db: Kysely<Database>,
  items: readonly OutboxItem[],
  error: string,
): Promise<void> {
  for (const item of items) {
    const delayMs = Math.min(1_000 * 2 ** item.attempts, 300_000);
    await db
      .updateTable('log_outbox')
      .set({
        attempts: item.attempts + 1,
        last_error: error.slice(0, 500),
        lease_until: null,
        next_attempt_at: new Date(Date.now() + delayMs),
      })
      .where('id', '=', item.id)
      .execute();
  }
}
