import { errorMessage } from '@chat-guard/bus';
import type { SessionInfo } from '@discordjs/ws';
import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { ChannelCursor, ChannelCursors } from './channelCursors.ts';
import { forwardMemberJoined, forwardMessageCreated } from './forwardDiscordEvents.ts';
import type { Forwarder } from './forwarder.ts';
import { cursorsToReadBack, readBackChannels } from './readBackChannels.ts';
import { replayStaleSessions } from './sessionStore.ts';

/**
 * What a starting gateway does once ready about what its previous run missed: resume each
 * stale session so Discord replays it, and where that is refused (or no session was stored),
 * read back the recently active channels of those shards since the last message published, and
 * the guilds' members who joined since the last join published.
 * Everything goes out with its usual dedupe id, so what was published already is stored once.
 */
export async function recoverMissedEvents(
  client: Client,
  token: string,
  stale: readonly SessionInfo[],
  lastPublished: readonly ChannelCursor[],
  lastJoins: ReadonlyMap<string, number>,
  forwarder: Forwarder,
  cursors: ChannelCursors,
  logger: Logger,
): Promise<void> {
  const replayed = new Set<number>();
  for (const report of await replayStaleSessions(client, token, stale)) {
    logger.info(report, 'stale gateway session replayed');
    if (report.outcome === 'replayed') replayed.add(report.shardId);
  }
  const shardOf = (id: string) => client.guilds.cache.get(id)?.shardId;
  const toRead = cursorsToReadBack(lastPublished, shardOf, replayed);
  const reports = await readBackChannels(client, toRead, (message) =>
    forwardMessageCreated(message, forwarder, cursors),
  );
  for (const report of reports) {
    if (report.outcome === 'read') logger.info(report, 'channel read back after a refused resume');
    else logger.warn(report, 'channel could not be read back after a refused resume');
  }
  // Joins: the member list (op 8, every member with their join time) since the last published.
  for (const [guildId, since] of lastJoins) {
    const shard = shardOf(guildId);
    const guild = client.guilds.cache.get(guildId);
    if (shard === undefined || replayed.has(shard) || !guild) continue;
    try {
      const missed = [...(await guild.members.fetch()).values()]
        .filter((m) => (m.joinedTimestamp ?? 0) > since)
        .sort((a, b) => (a.joinedTimestamp ?? 0) - (b.joinedTimestamp ?? 0));
      for (const member of missed) forwardMemberJoined(member, forwarder, cursors);
      logger.info({ guildId, since, joins: missed.length }, 'joins read back after a refused resume');
    } catch (err) {
      logger.warn(
        { guildId, since, err: errorMessage(err) },
        'joins could not be read back after a refused resume',
      );
    }
  }
}
