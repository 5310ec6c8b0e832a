import type { AttributionMethod } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';
import type { FakeRules } from './campaignStats.ts';

/** A member's invites, InviteManager's way, by the campaigns' fake and leave rules. */
export interface InviteCount {
  readonly inviterId: string;
  /** Joins credited to them past the fake window that are not fake. */
  readonly regular: number;
  /** Of those, the members who left since. */
  readonly left: number;
  /** Joins that are fake: too young an account, or gone within the window. */
  readonly fake: number;
  /** Granted (or taken back) by hand with /bonus-invites. */
  readonly bonus: number;
  /** Joins still inside the fake window: counted once past it. */
  readonly pending: number;
  /** regular − left + bonus. */
  readonly total: number;
}

export interface CountQuery {
  readonly guildId: string;
  readonly rules: FakeRules;
  readonly now: Date;
  /** Only joins (and bonuses) from this time on; all time when absent. */
  readonly since?: Date;
  /** Only this member's invites. */
  readonly inviterId?: string;
}

/**
 * Invite counts straight from the join history, nothing counted ahead: a join is credited to
 * its inviter when Chat Guard is sure who that was (an exact attribution, or an ambiguous one
 * whose every candidate invite was theirs), fake and left as campaigns judge them. Sorted by
 * total, most first.
 */
export async function inviteCounts(db: Kysely<Database>, query: CountQuery): Promise<InviteCount[]> {
  const leaveWindow = `${query.rules.leaveWindowHours} hours`;
  const accountAge = `${query.rules.accountAgeDays} days`;
  const since = query.since ?? new Date(0);
  const inviter = query.inviterId ?? null;
  const result = await sql<{
    inviter_id: string;
    regular: string;
    left_count: string;
    fake: string;
    pending: string;
    bonus: string;
  }>`
    with joins as (
      select inviter_id, left_at,
        joined_at <= ${query.now}::timestamptz - ${leaveWindow}::interval as matured,
        (joined_at - account_created_at < ${accountAge}::interval)
          or (left_at is not null and left_at - joined_at < ${leaveWindow}::interval) as fake
      from member_join
      where guild_id = ${query.guildId} and inviter_id is not null and not bot
        and confidence in ('exact', 'ambiguous') and joined_at >= ${since}
        and (${inviter}::text is null or inviter_id = ${inviter})
    ),
    counted as (
      select inviter_id,
        count(*) filter (where matured and not fake) as regular,
        count(*) filter (where matured and not fake and left_at is not null) as left_count,
        count(*) filter (where matured and fake) as fake,
        count(*) filter (where not matured) as pending
      from joins group by inviter_id
    ),
    bonuses as (
      select user_id as inviter_id, sum(amount) as bonus from invite_bonus
      where guild_id = ${query.guildId} and granted_at >= ${since}
        and (${inviter}::text is null or user_id = ${inviter})
      group by user_id
    )
    select coalesce(c.inviter_id, b.inviter_id) as inviter_id,
      coalesce(c.regular, 0) as regular, coalesce(c.left_count, 0) as left_count,
      coalesce(c.fake, 0) as fake, coalesce(c.pending, 0) as pending, coalesce(b.bonus, 0) as bonus
    from counted c full outer join bonuses b on b.inviter_id = c.inviter_id`.execute(db);
  return result.rows
    .map((r) => {
      const [regular, left, bonus] = [Number(r.regular), Number(r.left_count), Number(r.bonus)];
      return {
        inviterId: r.inviter_id,
        regular,
        left,
        fake: Number(r.fake),
        bonus,
        pending: Number(r.pending),
        total: regular - left + bonus,
      };
    })
    .sort((a, b) => b.total - a.total || b.regular - a.regular || a.inviterId.localeCompare(b.inviterId));
}

/** The counts of one member, zeros when they invited nobody. */
export async function inviteCountOf(
  db: Kysely<Database>,
  query: Omit<CountQuery, 'inviterId'> & { inviterId: string },
): Promise<InviteCount> {
  const [count] = await inviteCounts(db, query);
  return (
    count ?? { inviterId: query.inviterId, regular: 0, left: 0, fake: 0, bonus: 0, pending: 0, total: 0 }
  );
}

/** How a member last joined, as the join history has it. */
export interface JoinOrigin {
  readonly joinedAt: Date;
  readonly leftAt: Date | null;
  readonly inviteCode: string | null;
  readonly inviterId: string | null;
  readonly confidence: string;
  readonly method: AttributionMethod | null;
}

/** The member's latest join, or undefined when the history has none. */
export async function latestJoin(
  db: Kysely<Database>,
  guildId: string,
  userId: string,
): Promise<JoinOrigin | undefined> {
  const row = await db
    .selectFrom('member_join')
    .select(['joined_at', 'left_at', 'invite_code', 'inviter_id', 'confidence', 'attribution_method'])
    .where('guild_id', '=', guildId)
    .where('user_id', '=', userId)
    .orderBy('joined_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    joinedAt: row.joined_at,
    leftAt: row.left_at,
    inviteCode: row.invite_code,
    inviterId: row.inviter_id,
    confidence: row.confidence,
    method: (row.attribution_method as AttributionMethod | null) ?? null,
  };
}

/** The members who joined since a time and are still here (a lockdown's quarantine), oldest first. */
export async function recentJoins(
  db: Kysely<Database>,
  guildId: string,
  since: Date,
): Promise<{ userId: string; joinedAt: Date }[]> {
  const rows = await db
    .selectFrom('member_join')
    .select(['user_id', 'joined_at'])
    .where('guild_id', '=', guildId)
    .where('joined_at', '>=', since)
    .where('left_at', 'is', null)
    .where('bot', '=', false)
    .orderBy('joined_at')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, joinedAt: r.joined_at }));
}

/** Grants bonus invites once per request (a repeated request changes nothing); returns whether it was new. */
export async function grantBonusInvites(
  db: Kysely<Database>,
  grant: {
    guildId: string;
    userId: string;
    amount: number;
    reason: string;
    grantedBy: string;
    requestId: string;
    at: Date;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('invite_bonus')
    .values({
      guild_id: grant.guildId,
      user_id: grant.userId,
      amount: grant.amount,
      reason: grant.reason,
      granted_by: grant.grantedBy,
      request_id: grant.requestId,
      granted_at: grant.at,
    })
    .onConflict((oc) => oc.column('request_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}
