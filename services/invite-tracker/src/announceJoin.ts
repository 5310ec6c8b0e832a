import { createHash } from 'node:crypto';
import { type InviteCount, inviteCountOf } from '@chat-guard/campaigns';
import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import type { EventPayload, GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

type Attributed = EventPayload<'member.attributed'>;

export interface AnnounceDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<DiscordPort, 'sendMessage'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly now: () => number;
}

/** Joins older than this are not announced (a backlog after downtime would flood the channel). */
const STALE_MS = 10 * 60_000;

/** The join message: "<@X> joined, invited by <@Y> (N invites)", or how else they came. */
export function joinMessage(attributed: Attributed, count: InviteCount | null): string {
  const who = `<@${attributed.userId}>`;
  if (attributed.inviterId && count) {
    const n = count.total;
    return `${who} joined, invited by <@${attributed.inviterId}> (${n} invite${n === 1 ? '' : 's'}).`;
  }
  if (attributed.confidence === 'vanity') return `${who} joined through the server's vanity URL.`;
  return `${who} joined; who invited them is not known for sure.`;
}

/**
 * Posts the join message in the guild's join-message channel, once per join (the nonce makes
 * a redelivered join post once). Returns what happened, for the service's log.
 */
export async function announceJoin(
  deps: AnnounceDeps,
  attributed: Attributed,
): Promise<'posted' | 'off' | 'skipped' | { refused: string }> {
  const config = deps.config(attributed.guildId);
  const channelId = config.inviteCounts.joinMessageChannelId;
  if (channelId === null) return 'off';
  if (attributed.bot || deps.now() - attributed.joinedAt > STALE_MS) return 'skipped';
  const count = attributed.inviterId
    ? await inviteCountOf(deps.db, {
        guildId: attributed.guildId,
        inviterId: attributed.inviterId,
        rules: { accountAgeDays: config.fakeAccountAgeDays, leaveWindowHours: config.fakeLeaveWindowHours },
        now: new Date(deps.now()),
      })
    : null;
  const nonce = createHash('sha256')
    .update(`join:${attributed.guildId}:${attributed.userId}:${attributed.joinedAt}`)
    .digest('base64url')
    .slice(0, 25);
  try {
    await deps.discord.sendMessage(channelId, {
      content: joinMessage(attributed, count),
      allowed_mentions: { parse: [] },
      nonce,
      enforce_nonce: true,
    });
  } catch (err) {
    // The channel is gone or closed to the bot: the admin hears of it in the log, joins go on.
    if (isDiscordRefused(err)) return { refused: err.message };
    throw err;
  }
  return 'posted';
}
