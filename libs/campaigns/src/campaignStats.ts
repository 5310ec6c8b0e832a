import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';

export interface FakeRules {
  /** An account younger than this when it joined is fake. */
  readonly accountAgeDays: number;
  /** A member gone within this window is fake; a join counts only once past it. */
  readonly leaveWindowHours: number;
}

export interface JoinStats {
  /** Joins past the fake window: the ones that count. */
  readonly joins: number;
  readonly stillHere: number;
  readonly left: number;
  /** Median time from join to leave, for those who left; null when nobody did. */
  readonly medianStayMs: number | null;
  readonly fake: number;
  /** Joins still inside the fake window: not counted yet. */
  readonly pending: number;
}

export interface InviterStats extends JoinStats {
  readonly inviterId: string | null;
}

/**
 * The stats of one campaign at `now`, overall and per inviter (the leaderboard, by real
 * joins), straight from the join history: nothing is counted ahead of time.
 */
export async function campaignStats(
  db: Kysely<Database>,
  campaignId: string,
  rules: FakeRules,
  now: Date,
): Promise<{ total: JoinStats; inviters: InviterStats[] }> {
  const leaveWindow = `${rules.leaveWindowHours} hours`;
  const accountAge = `${rules.accountAgeDays} days`;
  const result = await sql<{
    inviter_id: string | null;
    matured: string;
    pending: string;
    fake: string;
    still_here: string;
    left_count: string;
    median_stay_ms: number | null;
  }>`
    with joins as (
      select inviter_id, joined_at, left_at,
        joined_at <= ${now}::timestamptz - ${leaveWindow}::interval as matured,
        (joined_at - account_created_at < ${accountAge}::interval)
          or (left_at is not null and left_at - joined_at < ${leaveWindow}::interval) as fake
      from member_join where campaign_id = ${campaignId}
    )
    select inviter_id,
      count(*) filter (where matured and not fake) as matured,
      count(*) filter (where not matured) as pending,
      count(*) filter (where matured and fake) as fake,
      count(*) filter (where matured and not fake and left_at is null) as still_here,
      count(*) filter (where matured and not fake and left_at is not null) as left_count,
      percentile_cont(0.5) within group (order by extract(epoch from (left_at - joined_at)) * 1000)
        filter (where matured and not fake and left_at is not null) as median_stay_ms
    from joins group by rollup (inviter_id)
    order by grouping(inviter_id) desc, count(*) filter (where matured and not fake) desc, inviter_id`.execute(
    db,
  );
  const toStats = (r: (typeof result.rows)[number]): JoinStats => ({
    joins: Number(r.matured),
    stillHere: Number(r.still_here),
    left: Number(r.left_count),
    medianStayMs: r.median_stay_ms === null ? null : Math.round(Number(r.median_stay_ms)),
    fake: Number(r.fake),
    pending: Number(r.pending),
  });
  const [totalRow, ...inviterRows] = result.rows;
  const empty: JoinStats = { joins: 0, stillHere: 0, left: 0, medianStayMs: null, fake: 0, pending: 0 };
  return {
    total: totalRow ? toStats(totalRow) : empty,
    inviters: inviterRows.map((r) => ({ inviterId: r.inviter_id, ...toStats(r) })),
  };
}
