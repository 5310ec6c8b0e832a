import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { appendAuditEntry } from './auditStore.ts';

/** Writes an audit event into its guild's chain, queueing its embed for the guild's log channel. */
export async function recordAudit(
  db: Kysely<Database>,
  event: EventPayload<'audit.recorded'>,
  logChannelId: string | null,
): Promise<void> {
  await appendAuditEntry(
    db,
    {
      guildId: event.guildId,
      at: new Date(event.at),
      action: event.action,
      actorId: event.actorId,
      targetId: event.targetId,
      reason: event.reason,
      details: event.details,
      idempotencyKey: event.idempotencyKey,
    },
    { logChannelId },
  );
}
