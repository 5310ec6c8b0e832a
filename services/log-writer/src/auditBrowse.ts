import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import type { HashedAuditEntry } from './auditHash.ts';
import { entryFromRow } from './auditStore.ts';

export interface AuditFilter {
  /** An action, or a prefix ending in `.` (`lockdown.`). */
  readonly action?: string;
  /** The member acted on. */
  readonly targetId?: string;
  /** Who acted: a moderator, or a service. */
  readonly actorId?: string;
  /** Entries older than this sequence number (the next page, newest first). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

/** A page of one guild's chain, newest first, filtered (read-only, for the dashboard). */
export async function browseAuditLog(
  db: Kysely<Database>,
  guildId: string,
  filter: AuditFilter,
): Promise<HashedAuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().where('guild_id', '=', guildId);
  if (filter.action?.endsWith('.'))
    query = query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  else if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', String(filter.beforeSeq));
  const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute();
  return rows.map(entryFromRow);
}
