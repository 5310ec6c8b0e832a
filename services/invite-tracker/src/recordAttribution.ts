import { recordJoin } from '@chat-guard/campaigns';
import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

type Attributed = EventPayload<'member.attributed'>;

/**
 * Records a join in the join history (once, whatever the redeliveries) and names the
 * campaign it counts for: only an exact attribution to a campaign's invite credits it.
 */
export async function recordAttribution(db: Kysely<Database>, attributed: Attributed): Promise<Attributed> {
  await recordJoin(db, {
    guildId: attributed.guildId,
    userId: attributed.userId,
    joinedAt: attributed.joinedAt,
    accountCreatedAt: attributed.accountCreatedAt,
    inviteCode: attributed.inviteCode,
    inviterId: attributed.inviterId,
    confidence: attributed.confidence,
    method: attributed.method ?? null,
    username: attributed.username,
    avatar: attributed.avatar,
    bot: attributed.bot,
  });
  if (attributed.confidence !== 'exact' || !attributed.inviteCode) return attributed;
  const campaign = await db
    .selectFrom('member_join')
    .innerJoin('campaign', 'campaign.id', 'member_join.campaign_id')
    .select('campaign.name')
    .where('member_join.guild_id', '=', attributed.guildId)
    .where('member_join.user_id', '=', attributed.userId)
    .where('member_join.joined_at', '=', new Date(attributed.joinedAt))
    .executeTakeFirst();
  return { ...attributed, campaign: campaign?.name ?? null };
}
