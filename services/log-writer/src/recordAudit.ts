import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { type AuditInput, appendAuditEntry } from './auditStore.ts';

/** The chain entry an audit event becomes. */
export function auditInput(event: EventPayload<'audit.recorded'>): AuditInput {
  return {
    guildId: event.guildId,
    at: new Date(event.at),
    action: event.action,
    actorId: event.actorId,
    targetId: event.targetId,
    reason: event.reason,
    details: event.details,
    idempotencyKey: event.idempotencyKey,
  };
}

/** Writes an audit event into its guild's chain, queueing its embed for the guild's log channel. */
export async function recordAudit(
  db: Kysely<Database>,
  event: EventPayload<'audit.recorded'>,
  logChannelId: string | null,
): Promise<void> {
  await appendAuditEntry(db, auditInput(event), { logChannelId });
}
