import type { SessionInfo } from '@discordjs/ws';
import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { ChannelCursor, ChannelCursors } from './channelCursors.ts';
import { forwardMessageCreated } from './forwardDiscordEvents.ts';
import type { Forwarder } from './forwarder.ts';
import { cursorsToReadBack, readBackChannels } from './readBackChannels.ts';
import { replayStaleSessions } from './sessionStore.ts';

/**
 * What a starting gateway does once ready about what its previous run missed: resume each
 * stale session so Discord replays it, and where that is refused (or no session was stored),
 * read back the recently active channels of those shards since the last message published.
 * Everything goes out with its usual dedupe id, so what was published already is stored once.
 */
export async function recoverMissedEvents(
  client: Client,
  token: string,
  stale: readonly SessionInfo[],
  lastPublished: readonly ChannelCursor[],
  forwarder: Forwarder,
  cursors: ChannelCursors,
  logger: Logger,
): Promise<void> {
  const replayed = new Set<number>();
  for (const report of await replayStaleSessions(client, token, stale)) {
    logger.info(report, 'stale gateway session replayed');
    if (report.outcome === 'replayed') replayed.add(report.shardId);
  }
  const toRead = cursorsToReadBack(lastPublished, (id) => client.guilds.cache.get(id)?.shardId, replayed);
  if (toRead.length === 0) return;
  const reports = await readBackChannels(client, toRead, (message) =>
    forwardMessageCreated(message, forwarder, cursors),
  );
  for (const report of reports) {
    if (report.outcome === 'read') logger.info(report, 'channel read back after a refused resume');
    else logger.warn(report, 'channel could not be read back after a refused resume');
  }
}
