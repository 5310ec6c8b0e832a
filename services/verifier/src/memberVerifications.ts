import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

/** One pass of a member through the gate, as the dashboard's member page shows it. */
export interface MemberVerification {
  readonly joinedAt: number;
  readonly status: 'admitted' | 'pending' | 'passed' | 'failed' | 'expired';
  /** Why the member was gated (or admitted), in the entry checks' words. */
  readonly reasons: readonly string[];
  /** The raid detector's gate the member was held by, if any. */
  readonly gateId: string | null;
  readonly attempts: number;
  readonly deadlineAt: string | null;
  readonly finishedAt: string | null;
  readonly outcome: string | null;
}

/** A member's passes through the gate, newest first (read-only; the verifier owns the table). */
export async function memberVerifications(
  db: Kysely<Database>,
  guildId: string,
  userId: string,
  limit = 20,
): Promise<MemberVerification[]> {
  const rows = await db
    .selectFrom('verification')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('user_id', '=', userId)
    .orderBy('joined_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    joinedAt: Number(r.joined_at),
    status: r.status,
    reasons: r.reasons,
    gateId: r.gate_id,
    attempts: r.attempts,
    deadlineAt: r.deadline_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    outcome: r.outcome,
  }));
}
