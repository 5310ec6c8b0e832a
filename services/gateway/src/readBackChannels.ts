import { type Client, DiscordAPIError, type Message } from 'discord.js';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { type ChannelCursor, isLater } from './channelCursors.ts';

/** Discord's largest page of channel messages. */
const PAGE = 100;
/** At most this many pages (10,000 messages) per channel, so a read-back always ends. */
const MAX_PAGES = 100;

export interface ReadBackReport {
  readonly guildId: string;
  readonly channelId: string;
  readonly outcome: 'read' | 'channel gone' | 'no access' | 'page limit' | 'failed';
  readonly messages: number;
  readonly reason?: string;
}

/** Codes that mean the channel cannot be read any more; anything else is a failure to report. */
const GONE: Readonly<Record<number, ReadBackReport['outcome']>> = {
  [RESTJSONErrorCodes.UnknownChannel]: 'channel gone',
  [RESTJSONErrorCodes.UnknownGuild]: 'channel gone',
  [RESTJSONErrorCodes.MissingAccess]: 'no access',
  [RESTJSONErrorCodes.MissingPermissions]: 'no access',
};

/**
 * Reads back, for each channel, the messages after the last one published (`GET
 * /channels/{id}/messages?after=`, 100 a page, oldest first), and hands each to `publish`, which
 * publishes it with the same dedupe id as a live one. One channel at a time: discord.js's REST
 * queue keeps the requests within the route's rate limit.
 */
export async function readBackChannels(
  client: Client,
  cursors: readonly ChannelCursor[],
  publish: (message: Message<true>) => void,
  maxPages = MAX_PAGES,
): Promise<ReadBackReport[]> {
  const reports: ReadBackReport[] = [];
  for (const cursor of cursors) {
    let messages = 0;
    const report = (outcome: ReadBackReport['outcome'], reason?: string) =>
      reports.push({ ...cursor, outcome, messages, ...(reason ? { reason } : {}) });
    try {
      const channel = await client.channels.fetch(cursor.channelId);
      if (!channel?.isTextBased() || channel.isDMBased()) {
        report('channel gone', 'not a guild text channel');
        continue;
      }
      let after = cursor.lastMessageId;
      let pages = 0;
      for (; pages < maxPages; pages++) {
        const page = await channel.messages.fetch({ after, limit: PAGE, cache: false });
        // Discord answers newest first; publish in the order they were posted.
        const oldestFirst = [...page.values()].sort((a, b) => (isLater(a.id, b.id) ? 1 : -1));
        for (const message of oldestFirst) {
          if (!message.inGuild()) continue;
          await withMember(message);
          publish(message);
          messages += 1;
          after = message.id;
        }
        if (page.size < PAGE) break;
      }
      report(pages === maxPages ? 'page limit' : 'read');
    } catch (err) {
      const outcome = err instanceof DiscordAPIError ? GONE[Number(err.code)] : undefined;
      report(outcome ?? 'failed', err instanceof Error ? err.message : String(err));
    }
  }
  return reports;
}

/**
 * A message read over REST carries no member, and the filter needs the author's roles and
 * permissions: fetch the member into the cache (an author who has left stays without one).
 */
async function withMember(message: Message<true>): Promise<void> {
  if (message.member || message.webhookId) return;
  try {
    await message.guild.members.fetch(message.author.id);
  } catch (err) {
    if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMember) return;
    throw err;
  }
}

/**
 * The channels to read back after a start: those of guilds on this client's shards whose
 * previous session was not replayed (refused, timed out, or none stored, as after a clean
 * shutdown). A guild this client does not run (`shardOf` undefined) is another replica's.
 */
export function cursorsToReadBack(
  cursors: readonly ChannelCursor[],
  shardOf: (guildId: string) => number | undefined,
  replayedShards: ReadonlySet<number>,
): ChannelCursor[] {
  return cursors.filter((cursor) => {
    const shard = shardOf(cursor.guildId);
    return shard !== undefined && !replayedShards.has(shard);
  });
}
