import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';
import { insertCase } from './caseStore.ts';
import { describeViolations } from './describeViolations.ts';
import { type Escalation, type EscalationPolicy, nextEscalation, noticeFor } from './nextEscalation.ts';

export type Verdict = EventPayload<'verdict.violation'>;

/** The idempotency key of a verdict: one message revision is judged once. */
export function verdictKey(verdict: Verdict): string {
  return `verdict:${verdict.messageId}:${verdict.revision}`;
}

/** The audit entries a verdict's case links to: the deletion, and the warning or timeout if told. */
export function verdictAuditKeys(
  verdict: Verdict,
  action: Escalation['action'],
  notice: 'tell' | 'folded' = 'tell',
): string[] {
  const ref = `${verdict.messageId}:${verdict.revision}`;
  return notice === 'tell' ? [`delete:${ref}`, `${action}:${ref}`] : [`delete:${ref}`];
}

export interface RecordedViolation {
  readonly escalation: Escalation;
  /** The case the violation opened. */
  readonly caseNumber: number;
  /** Whether the member is told, or the case is folded into a warning or timeout they had. */
  readonly notice: 'tell' | 'folded';
}

interface CaseRow {
  readonly seen: boolean;
  readonly created_at: Date;
  readonly action: string;
  readonly number: number;
  readonly violation_count: number | null;
  readonly until: Date | null;
  readonly notice: string | null;
}

/**
 * Records a violation as a case and decides its escalation from the member's cases that count
 * (automatic violations and, as configured, moderators' warnings and timeouts), under a
 * per-member lock so that replicas count concurrent violations one by one. A verdict seen
 * before gets the decision and the case it got the first time. Two statements inside the
 * lock: one read (the verdict's own case and the counting history at once) and one insert.
 * A member told within the notice window, or still timed out, is not told again: the case
 * records `notice: folded` and links no warning or timeout.
 */
export async function recordViolation(
  db: Kysely<Database>,
  verdict: Verdict,
  policy: EscalationPolicy,
): Promise<RecordedViolation> {
  return db.transaction().execute(async (trx) => {
    const lock = `violations:${verdict.guildId}:${verdict.userId}`;
    await sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`.execute(trx);
    const key = verdictKey(verdict);
    const now = verdict.detectedAt;
    const { rows } = await sql<CaseRow>`
      select idempotency_key = ${key} as seen, created_at, action, number, violation_count, until,
        details->>'notice' as notice
      from moderation_case
      where guild_id = ${verdict.guildId} and user_id = ${verdict.userId}
        and (idempotency_key = ${key} or (counts and created_at > ${new Date(now - policy.windowMs)}))`.execute(
      trx,
    );
    const seen = rows.find((r) => r.seen);
    if (seen) {
      const count = seen.violation_count ?? 1;
      const escalation: Escalation =
        seen.action === 'timeout' && seen.until
          ? { action: 'timeout', count, untilMs: seen.until.getTime() }
          : { action: 'warn', count, warningsLeft: Math.max(0, policy.warningsBeforeTimeout - count) };
      return { escalation, caseNumber: seen.number, notice: seen.notice === 'folded' ? 'folded' : 'tell' };
    }
    const escalation = nextEscalation(
      rows.map((r) => r.created_at.getTime()),
      policy,
      now,
    );
    const notice = noticeFor(
      escalation,
      rows.map((r) => ({
        atMs: r.created_at.getTime(),
        action: r.action,
        told: r.notice !== 'folded',
        untilMs: r.until?.getTime() ?? null,
      })),
      policy,
      now,
    );
    const types = verdict.violations.map((v) => v.type);
    const caseNumber = await insertCase(trx, {
      guildId: verdict.guildId,
      userId: verdict.userId,
      actorId: 'chat-guard',
      action: escalation.action,
      reason: describeViolations(types),
      rule: types.join(','),
      evidenceHash: verdict.contentHash,
      channelId: verdict.channelId,
      messageId: verdict.messageId,
      counts: true,
      violationCount: escalation.count,
      untilMs: escalation.action === 'timeout' ? escalation.untilMs : null,
      ...(notice === 'folded' ? { details: { notice } } : {}),
      auditKeys: verdictAuditKeys(verdict, escalation.action, notice),
      idempotencyKey: key,
      createdAt: now,
    });
    return { escalation, caseNumber, notice };
  });
}
