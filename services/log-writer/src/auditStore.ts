import type { AuditLogTable, Database } from '@chat-guard/store';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { auditEmbed } from './auditEmbed.ts';
import { type AuditEntry, type HashedAuditEntry, hashAuditEntry } from './auditHash.ts';
import type { Json } from './canonicalJson.ts';
import { enqueueEmbeds } from './logOutbox.ts';
import { type ChainAnchor, GENESIS_ANCHOR } from './verifyAuditChain.ts';

export type AuditInput = Omit<AuditEntry, 'seq' | 'prevHash' | 'at'> & { readonly at: Date };

/** Serialises writers of one guild's chain across every replica, for one transaction. */
async function lockChain(trx: Transaction<Database>, guildId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${guildId}`}, 0))`.execute(trx);
}

export function entryFromRow(row: Selectable<AuditLogTable>): HashedAuditEntry {
  return {
    guildId: row.guild_id,
    seq: Number(row.seq),
    at: row.at.toISOString(),
    action: row.action,
    actorId: row.actor_id,
    targetId: row.target_id,
    reason: row.reason,
    details: row.details as Record<string, Json>,
    idempotencyKey: row.idempotency_key,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The chain's anchor: the last pruned entry, or the genesis. */
export async function loadAnchor(db: Kysely<Database>, guildId: string): Promise<ChainAnchor> {
  const row = await db
    .selectFrom('audit_anchor')
    .select(['seq', 'hash'])
    .where('guild_id', '=', guildId)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : GENESIS_ANCHOR;
}

/** An entry to append, with the log channel its embed goes to (none: no embed). */
export interface AuditAppend {
  readonly input: AuditInput;
  readonly logChannelId?: string | null;
}

/**
 * Appends entries of one guild under its chain lock in four statements however many: the keys
 * already recorded, the chain's end, one insert of the new rows, one insert of their embeds.
 * A key already in the chain, or earlier in the same batch, gets that entry back, not created.
 */
async function appendManyLocked(trx: Transaction<Database>, guildId: string, batch: readonly AuditAppend[]) {
  const keys = batch.map((b) => b.input.idempotencyKey);
  const existing = await trx
    .selectFrom('audit_log')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('idempotency_key', 'in', keys)
    .execute();
  const byKey = new Map(existing.map((row) => [row.idempotency_key, entryFromRow(row)]));
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('guild_id', '=', guildId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let previous = last ? { seq: Number(last.seq), hash: last.hash } : await loadAnchor(trx, guildId);
  const created: { entry: HashedAuditEntry; logChannelId: string | null }[] = [];
  const results = batch.map(({ input, logChannelId }) => {
    const known = byKey.get(input.idempotencyKey);
    if (known) return { entry: known, created: false };
    const unhashed: AuditEntry = {
      ...input,
      at: input.at.toISOString(),
      seq: previous.seq + 1,
      prevHash: previous.hash,
    };
    const entry: HashedAuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
    previous = { seq: entry.seq, hash: entry.hash };
    byKey.set(entry.idempotencyKey, entry);
    created.push({ entry, logChannelId: logChannelId ?? null });
    return { entry, created: true };
  });
  if (created.length > 0) {
    await trx
      .insertInto('audit_log')
      .values(
        created.map(({ entry }) => ({
          guild_id: entry.guildId,
          seq: entry.seq,
          at: entry.at,
          action: entry.action,
          actor_id: entry.actorId,
          target_id: entry.targetId,
          reason: entry.reason,
          details: JSON.stringify(entry.details),
          idempotency_key: entry.idempotencyKey,
          prev_hash: entry.prevHash,
          hash: entry.hash,
        })),
      )
      .execute();
  }
  const embeds = created.flatMap(({ entry, logChannelId }) =>
    logChannelId ? [{ channelId: logChannelId, embed: auditEmbed(entry) }] : [],
  );
  await enqueueEmbeds(trx, guildId, embeds);
  return results;
}

/**
 * Appends entries to one guild's chain in one transaction; the same idempotency key is
 * recorded once. An entry with a log channel has its embed queued in the same transaction.
 */
export async function appendAuditEntries(
  db: Kysely<Database>,
  guildId: string,
  batch: readonly AuditAppend[],
): Promise<{ entry: HashedAuditEntry; created: boolean }[]> {
  const stray = batch.find((b) => b.input.guildId !== guildId);
  if (stray) throw new Error(`audit entry ${stray.input.idempotencyKey} is not of guild ${guildId}`);
  if (batch.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await lockChain(trx, guildId);
    return appendManyLocked(trx, guildId, batch);
  });
}

/**
 * Appends an entry to its guild's chain; the same idempotency key is recorded once. With a
 * log channel, the entry's embed is queued in the same transaction.
 */
export async function appendAuditEntry(
  db: Kysely<Database>,
  input: AuditInput,
  options: { logChannelId?: string | null } = {},
): Promise<{ entry: HashedAuditEntry; created: boolean }> {
  const [result] = await appendAuditEntries(db, input.guildId, [
    { input, logChannelId: options.logChannelId ?? null },
  ]);
  if (!result) throw new Error(`audit entry ${input.idempotencyKey} was not appended`);
  return result;
}

/** One page of a guild's entries after `afterSeq`, in sequence order. */
export async function loadEntries(
  db: Kysely<Database>,
  guildId: string,
  afterSeq: number,
  limit: number,
): Promise<HashedAuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('seq', '>', String(afterSeq))
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(entryFromRow);
}

/**
 * Deletes a guild's entries older than `before` (a prefix of the chain), moves the anchor
 * to the last one deleted, and records the pruning as an entry of the chain itself.
 */
export async function pruneAuditLog(db: Kysely<Database>, guildId: string, before: Date, now: Date) {
  return db.transaction().execute(async (trx) => {
    await lockChain(trx, guildId);
    const keepFrom = await trx
      .selectFrom('audit_log')
      .select('seq')
      .where('guild_id', '=', guildId)
      .where('at', '>=', before)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    let doomed = trx.selectFrom('audit_log').select(['seq', 'hash']).where('guild_id', '=', guildId);
    if (keepFrom) doomed = doomed.where('seq', '<', keepFrom.seq);
    const lastDoomed = await doomed.orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!lastDoomed) return { pruned: 0 };
    const deleted = await trx
      .deleteFrom('audit_log')
      .where('guild_id', '=', guildId)
      .where('seq', '<=', lastDoomed.seq)
      .executeTakeFirst();
    await trx
      .insertInto('audit_anchor')
      .values({ guild_id: guildId, seq: lastDoomed.seq, hash: lastDoomed.hash, updated_at: now })
      .onConflict((oc) =>
        oc.column('guild_id').doUpdateSet({ seq: lastDoomed.seq, hash: lastDoomed.hash, updated_at: now }),
      )
      .execute();
    const pruned = Number(deleted.numDeletedRows);
    await appendManyLocked(trx, guildId, [
      {
        input: {
          guildId,
          at: now,
          action: 'audit.pruned',
          actorId: 'chat-guard',
          targetId: null,
          reason: `retention: entries before ${before.toISOString()}`,
          details: { throughSeq: Number(lastDoomed.seq), throughHash: lastDoomed.hash, entries: pruned },
          idempotencyKey: `prune:${guildId}:${lastDoomed.seq}`,
        },
      },
    ]);
    return { pruned };
  });
}
