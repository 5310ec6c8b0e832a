import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';
import { type Escalation, type EscalationPolicy, nextEscalation } from './nextEscalation.ts';

export type Verdict = EventPayload<'verdict.violation'>;

/** The idempotency key of a verdict: one message revision is judged once. */
export function verdictKey(verdict: Verdict): string {
  return `verdict:${verdict.messageId}:${verdict.revision}`;
}

/**
 * Records a violation and decides its escalation from the member's history in PostgreSQL,
 * under a per-member lock so that replicas count concurrent violations one by one. A verdict
 * seen before gets the decision it got the first time.
 */
export async function recordViolation(
  db: Kysely<Database>,
  verdict: Verdict,
  policy: EscalationPolicy,
): Promise<Escalation> {
  return db.transaction().execute(async (trx) => {
    const lock = `violations:${verdict.guildId}:${verdict.userId}`;
    await sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`.execute(trx);
    const key = verdictKey(verdict);
    const seen = await trx
      .selectFrom('violation')
      .select(['action', 'violation_count', 'timeout_until'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (seen) {
      const count = seen.violation_count ?? 1;
      return seen.action === 'timeout' && seen.timeout_until
        ? { action: 'timeout', count, untilMs: seen.timeout_until.getTime() }
        : { action: 'warn', count, warningsLeft: Math.max(0, policy.warningsBeforeTimeout - count) };
    }
    const now = verdict.detectedAt;
    const earlier = await trx
      .selectFrom('violation')
      .select('occurred_at')
      .where('guild_id', '=', verdict.guildId)
      .where('user_id', '=', verdict.userId)
      .where('occurred_at', '>', new Date(now - policy.windowMs))
      .execute();
    const escalation = nextEscalation(
      earlier.map((r) => r.occurred_at.getTime()),
      policy,
      now,
    );
    await trx
      .insertInto('violation')
      .values({
        guild_id: verdict.guildId,
        user_id: verdict.userId,
        channel_id: verdict.channelId,
        message_id: verdict.messageId,
        types: verdict.violations.map((v) => v.type),
        content_hash: verdict.contentHash,
        action: escalation.action,
        idempotency_key: key,
        occurred_at: new Date(now),
        violation_count: escalation.count,
        timeout_until: escalation.action === 'timeout' ? new Date(escalation.untilMs) : null,
      })
      .execute();
    return escalation;
  });
}
