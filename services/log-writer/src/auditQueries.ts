import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

/** An audit entry as a case links to it: where it sits in the chain and what it recorded. */
export interface AuditLink {
  readonly idempotencyKey: string;
  readonly seq: number;
  readonly action: string;
  readonly hash: string;
  readonly reason: string;
}

/**
 * The chain entries recorded under these idempotency keys, in chain order (read-only, for the
 * gateway's /case). A key not written yet, or pruned by retention, is simply absent.
 */
export async function auditEntriesByKeys(
  db: Kysely<Database>,
  guildId: string,
  keys: readonly string[],
): Promise<AuditLink[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log')
    .select(['idempotency_key', 'seq', 'action', 'hash', 'reason'])
    .where('guild_id', '=', guildId)
    .where('idempotency_key', 'in', [...keys])
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    idempotencyKey: r.idempotency_key,
    seq: Number(r.seq),
    action: r.action,
    hash: r.hash,
    reason: r.reason,
  }));
}
