import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

export interface JoinRecord {
  readonly guildId: string;
  readonly userId: string;
  readonly joinedAt: number;
  readonly accountCreatedAt: number;
  readonly inviteCode: string | null;
  readonly inviterId: string | null;
  /** exact, ambiguous, vanity or unknown: only an exact attribution credits a campaign. */
  readonly confidence: string;
  /** How an exact (or vanity) attribution was settled: `uses` or `member-search`. */
  readonly method?: string | null;
  /** What a raid model reads of the account (kept for `chat-guard model export`). */
  readonly username?: string;
  readonly avatar?: string | null;
  readonly bot?: boolean;
}

/**
 * Records a join (once, whatever the redeliveries), crediting the guild's campaign whose
 * invite it was when the attribution is exact.
 */
export async function recordJoin(db: Kysely<Database>, join: JoinRecord): Promise<void> {
  const campaign =
    join.confidence === 'exact' && join.inviteCode
      ? await db
          .selectFrom('campaign')
          .select('id')
          .where('guild_id', '=', join.guildId)
          .where('invite_code', '=', join.inviteCode)
          .executeTakeFirst()
      : undefined;
  await db
    .insertInto('member_join')
    .values({
      guild_id: join.guildId,
      user_id: join.userId,
      joined_at: new Date(join.joinedAt),
      account_created_at: new Date(join.accountCreatedAt),
      invite_code: join.inviteCode,
      inviter_id: join.inviterId,
      confidence: join.confidence,
      campaign_id: campaign?.id ?? null,
      attribution_method: join.method ?? null,
      username: join.username ?? null,
      avatar: join.avatar ?? null,
      ...(join.bot === undefined ? {} : { bot: join.bot }),
    })
    .onConflict((oc) => oc.columns(['guild_id', 'user_id', 'joined_at']).doNothing())
    .execute();
}

/** Marks a member's latest join as left (a rejoin later is a new join). */
export async function recordLeave(
  db: Kysely<Database>,
  guildId: string,
  userId: string,
  leftAt: number,
): Promise<void> {
  const latest = await db
    .selectFrom('member_join')
    .select('joined_at')
    .where('guild_id', '=', guildId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .where('joined_at', '<=', new Date(leftAt))
    .orderBy('joined_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return;
  await db
    .updateTable('member_join')
    .set({ left_at: new Date(leftAt) })
    .where('guild_id', '=', guildId)
    .where('user_id', '=', userId)
    .where('joined_at', '=', latest.joined_at)
    .execute();
}
