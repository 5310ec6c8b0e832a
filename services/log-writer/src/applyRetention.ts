import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { pruneAuditLog } from './auditStore.ts';
import { auditedGuilds } from './verifyAuditLog.ts';

const DAY_MS = 86_400_000;

/** Prunes every guild's audit chain to its `logRetentionDays`; returns how many entries went. */
export async function applyRetention(
  db: Kysely<Database>,
  retentionDays: (guildId: string) => number,
  now: Date,
): Promise<number> {
  let pruned = 0;
  for (const guildId of await auditedGuilds(db)) {
    const before = new Date(now.getTime() - retentionDays(guildId) * DAY_MS);
    pruned += (await pruneAuditLog(db, guildId, before, now)).pruned;
  }
  return pruned;
}
