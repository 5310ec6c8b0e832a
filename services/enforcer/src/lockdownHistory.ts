import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import type { LockdownRow } from './lockdownRecords.ts';

/** A guild's lockdowns, newest first (read-only, for the dashboard's history). */
export async function listLockdowns(
  db: Kysely<Database>,
  guildId: string,
  limit: number,
): Promise<LockdownRow[]> {
  return db
    .selectFrom('lockdown')
    .selectAll()
    .where('guild_id', '=', guildId)
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
}
