import { ChannelType, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { DiscordHttpError, unknown } from '../errors.ts';
import { apiUser, userOf } from '../payloads.ts';
import { ok, parseBody, type RestRequest, type RestResult, type RouteDef } from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';
import type { SandboxDmChannel } from '../sandboxState.ts';
import { messageBody, messageParts } from './messageBody.ts';

const openBody = z.object({ recipient_id: z.string() });

function dmChannelPayload(core: SandboxCore, dm: SandboxDmChannel): Record<string, unknown> {
  return {
    id: dm.id,
    type: ChannelType.DM,
    last_message_id: dm.messages.at(-1)?.id ?? null,
    flags: 0,
    recipients: [apiUser(userOf(core.state, dm.userId))],
  };
}

/** Sends a DM; Discord refuses (50007) when the user shares no guild with the bot. */
export function sendDirectMessage(core: SandboxCore, dm: SandboxDmChannel, req: RestRequest): RestResult {
  const mutual = Object.values(core.state.guilds).some((g) => g.members[dm.userId]);
  if (!mutual)
    throw new DiscordHttpError(
      403,
      RESTJSONErrorCodes.CannotSendMessagesToThisUser,
      'Cannot send messages to this user',
    );
  const parts = messageParts(parseBody(messageBody, req.body));
  const message = {
    id: core.ids.next(),
    content: parts.content,
    embeds: parts.embeds,
    createdAt: core.now(),
  };
  dm.messages.push(message);
  core.actions.record({
    kind: 'message.sent',
    guildId: null,
    channelId: dm.id,
    userId: dm.userId,
    messageIds: [message.id],
    reason: req.reason,
    data: { dm: true, ...parts },
  });
  return ok({
    id: message.id,
    channel_id: dm.id,
    author: apiUser(userOf(core.state, core.state.botUserId)),
    content: message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: message.embeds,
    components: parts.components,
    pinned: false,
    type: 0,
    flags: 0,
  });
}

export const dmRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/users/@me/channels',
    handle(req, core) {
      const { recipient_id: userId } = parseBody(openBody, req.body);
      if (!core.state.users[userId]) throw unknown(RESTJSONErrorCodes.UnknownUser);
      let dm = Object.values(core.state.dmChannels).find((c) => c.userId === userId);
      if (!dm) {
        dm = { id: core.ids.next(), userId, messages: [] };
        core.state.dmChannels[dm.id] = dm;
      }
      return ok(dmChannelPayload(core, dm));
    },
  },
];
