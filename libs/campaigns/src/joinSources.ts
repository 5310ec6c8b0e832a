import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';

/** Joins since a time by how sure the attribution is: exact, ambiguous, vanity, unknown. */
export async function joinSources(
  db: Kysely<Database>,
  guildId: string,
  since: Date,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('member_join')
    .select(['confidence', sql<string>`count(*)`.as('joins')])
    .where('guild_id', '=', guildId)
    .where('joined_at', '>=', since)
    .groupBy('confidence')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.confidence, Number(r.joins)]));
}

/** One join of a member as the join history holds it. */
export interface MemberJoinRecord {
  readonly userId: string;
  readonly username: string | null;
  readonly joinedAt: Date;
  readonly leftAt: Date | null;
  readonly inviteCode: string | null;
  readonly inviterId: string | null;
  readonly confidence: string;
  readonly campaignId: string | null;
  readonly accountCreatedAt: Date;
}

/**
 * Joins of the members matching a search, newest first: an id matches exactly, anything
 * else is a username prefix (read-only, for the dashboard's member search).
 */
export async function searchMemberJoins(
  db: Kysely<Database>,
  guildId: string,
  query: string,
  limit: number,
): Promise<MemberJoinRecord[]> {
  let q = db.selectFrom('member_join').selectAll().where('guild_id', '=', guildId);
  q = /^\d{1,20}$/.test(query)
    ? q.where('user_id', '=', query)
    : q.where('username', 'ilike', `${query.replace(/[%_\\]/g, '\\$&')}%`);
  const rows = await q.orderBy('joined_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    userId: r.user_id,
    username: r.username,
    joinedAt: r.joined_at,
    leftAt: r.left_at,
    inviteCode: r.invite_code,
    inviterId: r.inviter_id,
    confidence: r.confidence,
    campaignId: r.campaign_id,
    accountCreatedAt: r.account_created_at,
  }));
}
