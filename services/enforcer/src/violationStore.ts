import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';
import { insertCases, type NewCase } from './caseStore.ts';
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
  readonly idempotency_key: string;
  readonly user_id: string;
  readonly created_at: Date;
  readonly action: string;
  readonly number: number;
  readonly violation_count: number | null;
  readonly until: Date | null;
  readonly notice: string | null;
}

/** A decided case as the next verdicts of the same member in a batch see it. */
type History = Pick<CaseRow, 'created_at' | 'action' | 'until' | 'notice'>;

/** Records one violation: a batch of one (see `recordViolations`). */
export async function recordViolation(
  db: Kysely<Database>,
  verdict: Verdict,
  policy: EscalationPolicy,
): Promise<RecordedViolation> {
  const [recorded] = await recordViolations(db, [verdict], policy);
  if (!recorded) throw new Error(`violation ${verdictKey(verdict)} was not recorded`);
  return recorded;
}

/**
 * Records violations of one guild as cases and decides each escalation from the member's cases
 * that count (automatic violations and, as configured, moderators' warnings and timeouts),
 * under per-member locks so that replicas count concurrent violations one by one. A verdict
 * seen before gets the decision and the case it got the first time. However many verdicts,
 * four statements inside the transaction: the locks, one read (the verdicts' own cases and the
 * members' history at once), the case numbers, one insert. A member told within the notice
 * window, or still timed out, is not told again: the case records `notice: folded` and links
 * no warning or timeout. Results come in the order of `verdicts`.
 */
export async function recordViolations(
  db: Kysely<Database>,
  verdicts: readonly Verdict[],
  policy: EscalationPolicy,
): Promise<RecordedViolation[]> {
  const [first] = verdicts;
  if (!first) return [];
  const guildId = first.guildId;
  const stray = verdicts.find((v) => v.guildId !== guildId);
  if (stray) throw new Error(`verdict ${verdictKey(stray)} is not of guild ${guildId}`);
  const users = [...new Set(verdicts.map((v) => v.userId))];
  const keys = verdicts.map(verdictKey);
  const since = new Date(Math.min(...verdicts.map((v) => v.detectedAt)) - policy.windowMs);
  return db.transaction().execute(async (trx) => {
    // Sorted, so two replicas locking overlapping members never wait on each other in a cycle.
    const locks = users.map((u) => `violations:${guildId}:${u}`);
    await sql`
      select pg_advisory_xact_lock(h)
      from (select distinct hashtextextended(k, 0) as h from unnest(${locks}::text[]) as k order by h) as l`.execute(
      trx,
    );
    const { rows } = await sql<CaseRow>`
      select idempotency_key, user_id, created_at, action, number, violation_count, until,
        details->>'notice' as notice
      from moderation_case
      where guild_id = ${guildId} and user_id = any(${users}::text[])
        and (idempotency_key = any(${keys}::text[]) or (counts and created_at > ${since}))`.execute(trx);
    const seen = new Map(rows.map((r) => [r.idempotency_key, r]));
    const history = new Map<string, History[]>();
    for (const r of rows) history.set(r.user_id, [...(history.get(r.user_id) ?? []), r]);

    const decided = new Map<string, { recorded: Omit<RecordedViolation, 'caseNumber'>; case?: NewCase }>();
    // In the order they happened, so a wave handled out of order still escalates in order.
    const byTime = [...verdicts].sort((a, b) => a.detectedAt - b.detectedAt);
    for (const verdict of byTime) {
      const key = verdictKey(verdict);
      if (decided.has(key)) continue;
      const earlier = seen.get(key);
      if (earlier) {
        decided.set(key, { recorded: decisionOf(earlier, policy) });
        continue;
      }
      const decision = decide(verdict, history.get(verdict.userId) ?? [], policy);
      decided.set(key, { recorded: decision.recorded, case: decision.case });
      history.set(verdict.userId, [...(history.get(verdict.userId) ?? []), decision.history]);
    }

    const fresh = [...decided.values()].flatMap((d) => (d.case ? [d.case] : []));
    const numbers = await insertCases(trx, guildId, fresh);
    return verdicts.map((verdict) => {
      const key = verdictKey(verdict);
      const d = decided.get(key);
      const caseNumber = seen.get(key)?.number ?? numbers.get(key);
      if (!d || caseNumber === undefined) throw new Error(`violation ${key} was not recorded`);
      return { ...d.recorded, caseNumber };
    });
  });
}

/** The decision a case recorded, for a verdict seen before. */
function decisionOf(row: CaseRow, policy: EscalationPolicy): Omit<RecordedViolation, 'caseNumber'> {
  const count = row.violation_count ?? 1;
  const escalation: Escalation =
    row.action === 'timeout' && row.until
      ? { action: 'timeout', count, untilMs: row.until.getTime() }
      : { action: 'warn', count, warningsLeft: Math.max(0, policy.warningsBeforeTimeout - count) };
  return { escalation, notice: row.notice === 'folded' ? 'folded' : 'tell' };
}

/** Decides a new verdict from the member's history: its escalation, notice and case. */
function decide(verdict: Verdict, past: readonly History[], policy: EscalationPolicy) {
  const now = verdict.detectedAt;
  const escalation = nextEscalation(
    past.map((r) => r.created_at.getTime()),
    policy,
    now,
  );
  const notice = noticeFor(
    escalation,
    past.map((r) => ({
      atMs: r.created_at.getTime(),
      action: r.action,
      told: r.notice !== 'folded',
      untilMs: r.until?.getTime() ?? null,
    })),
    policy,
    now,
  );
  const types = verdict.violations.map((v) => v.type);
  const untilMs = escalation.action === 'timeout' ? escalation.untilMs : null;
  const newCase: NewCase = {
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
    untilMs,
    ...(notice === 'folded' ? { details: { notice } } : {}),
    auditKeys: verdictAuditKeys(verdict, escalation.action, notice),
    idempotencyKey: verdictKey(verdict),
    createdAt: now,
  };
  const history: History = {
    created_at: new Date(now),
    action: escalation.action,
    until: untilMs === null ? null : new Date(untilMs),
    notice: notice === 'folded' ? 'folded' : null,
  };
  return { recorded: { escalation, notice }, case: newCase, history };
}
