import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { apiDmChannel, apiDmMessage, createDmMessage, dmChannelWith } from '../dmMessages.ts';
import { DiscordHttpError, unknown } from '../errors.ts';
import { ok, parseBody, type RestRequest, type RestResult, type RouteDef } from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';
import type { SandboxDmChannel } from '../sandboxState.ts';
import { messageBody, messageParts } from './messageBody.ts';

const openBody = z.object({ recipient_id: z.string() });

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
  const message = createDmMessage(core, dm, parts);
  core.actions.record({
    kind: 'message.sent',
    guildId: null,
    channelId: dm.id,
    userId: dm.userId,
    messageIds: [message.id],
    reason: req.reason,
    data: { dm: true, ...parts },
  });
  return ok(apiDmMessage(core, dm, message));
}

export const dmRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/users/@me/channels',
    handle(req, core) {
      const { recipient_id: userId } = parseBody(openBody, req.body);
      if (!core.state.users[userId]) throw unknown(RESTJSONErrorCodes.UnknownUser);
      return ok(apiDmChannel(core, dmChannelWith(core, userId)));
    },
  },
];
