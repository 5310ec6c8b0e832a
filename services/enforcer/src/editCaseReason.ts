import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { linkAudit } from './caseStore.ts';
import type { AuditPayload } from './enforceVerdict.ts';

/** The case a request names does not exist: nothing to retry; dead-lettered with the reason. */
export class CaseNotFoundError extends Error {
  readonly retryable = false;
  constructor(
    readonly guildId: string,
    readonly caseNumber: number,
  ) {
    super(`guild ${guildId} has no case #${caseNumber}`);
    this.name = 'CaseNotFoundError';
  }
}

export interface CaseDeps {
  readonly db: Kysely<Database>;
  readonly audit: (entry: AuditPayload) => Promise<void>;
  readonly now: () => number;
}

/**
 * Corrects a case's reason: the case reads the new one, and the audit chain gains an entry
 * with the old and the new (earlier entries are never rewritten). Once per request.
 */
export async function editCaseReason(
  deps: CaseDeps,
  edit: EventPayload<'case.reason_edited'>,
): Promise<void> {
  const key = `case.edit:${edit.requestId}`;
  const before = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('moderation_case')
      .select(['reason', 'user_id', 'audit_keys', 'details'])
      .where('guild_id', '=', edit.guildId)
      .where('number', '=', edit.caseNumber)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new CaseNotFoundError(edit.guildId, edit.caseNumber);
    // Done before this delivery: the reason it replaced was kept beside the case.
    if (row.audit_keys.includes(key)) return { ...row, reason: String(row.details.previousReason ?? '') };
    await trx
      .updateTable('moderation_case')
      .set({
        reason: edit.reason,
        reason_edited_by: edit.moderatorId,
        reason_edited_at: new Date(edit.requestedAt),
        details: JSON.stringify({ ...row.details, previousReason: row.reason }),
      })
      .where('guild_id', '=', edit.guildId)
      .where('number', '=', edit.caseNumber)
      .execute();
    await linkAudit(trx, edit.guildId, edit.caseNumber, [key]);
    return row;
  });
  await deps.audit({
    guildId: edit.guildId,
    action: 'case.reason_edit',
    actorId: edit.moderatorId,
    targetId: before.user_id,
    reason: edit.reason,
    details: { caseNumber: edit.caseNumber, previousReason: before.reason.slice(0, 500) },
    idempotencyKey: key,
    at: deps.now(),
  });
}
