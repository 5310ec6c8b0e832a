import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import type { RESTPatchAPIChannelMessageJSONBody } from 'discord-api-types/v10';

/** Where an alert was posted, as remembered on its record; null when it never was. */
export function postedAlert(
  row: { alert_channel_id: string | null; alert_message_id: string | null } | undefined,
): { channelId: string; messageId: string } | null {
  return row?.alert_channel_id && row.alert_message_id
    ? { channelId: row.alert_channel_id, messageId: row.alert_message_id }
    : null;
}

/**
 * Tells later news of an alert: edits the original message (when there is one) and replies to
 * it with a follow-up, or posts the follow-up in `fallback`. An original Discord refuses to edit
 * (deleted by an admin, say) is noted in `problems`; the follow-up still tells the news.
 */
export async function announceNews(
  discord: Pick<DiscordPort, 'sendMessage' | 'editMessage'>,
  news: {
    readonly original: { channelId: string; messageId: string } | null;
    readonly fallback: string | null;
    readonly edit: RESTPatchAPIChannelMessageJSONBody;
    readonly followUp: string;
    readonly nonce: string;
    readonly problems: string[];
  },
): Promise<'updated' | 'posted' | 'no-channel'> {
  const { original } = news;
  if (original) {
    try {
      await discord.editMessage(original.channelId, original.messageId, news.edit);
    } catch (err) {
      if (!isDiscordRefused(err)) throw err;
      news.problems.push(err.message);
    }
  }
  const channelId = original?.channelId ?? news.fallback;
  if (channelId === null) return 'no-channel';
  await discord.sendMessage(channelId, {
    content: news.followUp,
    allowed_mentions: { parse: [] },
    nonce: news.nonce,
    enforce_nonce: true,
    ...(original ? { message_reference: { message_id: original.messageId, fail_if_not_exists: false } } : {}),
  });
  return original ? 'updated' : 'posted';
}
