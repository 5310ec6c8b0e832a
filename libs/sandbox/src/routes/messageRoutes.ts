import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { DiscordHttpError, invalidFormBody } from '../errors.ts';
import { apiMessage } from '../payloads.ts';
import {
  badRequest,
  noContent,
  ok,
  param,
  parseBody,
  type RouteDef,
  requireChannelPermissions,
} from '../restRouter.ts';
import type { SandboxMessage } from '../sandboxState.ts';
import { snowflakeTimestamp } from '../snowflake.ts';
import { sendDirectMessage } from './dmRoutes.ts';
import { messageBody, messageParts } from './messageBody.ts';
import { messageForNonce, rememberNonce } from './nonces.ts';

const TWO_WEEKS_MS = 14 * 86_400_000;

const bulkBody = z.object({ messages: z.array(z.string()) });

export const messageRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/channels/:channelId/messages',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'ReadMessageHistory');
      const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
      const before = req.query.get('before');
      const after = req.query.get('after');
      const newestFirst = Object.values(guild.messages)
        .filter((m) => m.channelId === channel.id)
        .filter(
          (m) =>
            (before ? BigInt(m.id) < BigInt(before) : true) && (after ? BigInt(m.id) > BigInt(after) : true),
        )
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      // As Discord: always newest first; `after` alone pages forward, so it answers the `limit`
      // messages right after the id (the oldest of them), `before` or nothing the newest.
      const list = after && !before ? newestFirst.slice(-limit) : newestFirst.slice(0, limit);
      return ok(list.map((m) => apiMessage(core.state, m, guild)));
    },
  },
  {
    method: 'GET',
    path: '/channels/:channelId/messages/:messageId',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'ReadMessageHistory');
      return ok(apiMessage(core.state, core.message(guild, channel.id, param(req, 'messageId')), guild));
    },
  },
  {
    method: 'POST',
    path: '/channels/:channelId/messages',
    bucket: { limit: 5, windowMs: 5000 },
    handle(req, core) {
      const dm = core.state.dmChannels[param(req, 'channelId')];
      if (dm) return sendDirectMessage(core, dm, req);
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'SendMessages');
      const body = parseBody(messageBody, req.body);
      const parts = messageParts(body);
      const nonce = body.enforce_nonce === true && typeof body.nonce === 'string' ? body.nonce : undefined;
      const earlier = nonce ? messageForNonce(core, channel.id, nonce, core.now()) : undefined;
      const existing = earlier ? guild.messages[earlier] : undefined;
      if (existing) return ok(apiMessage(core.state, existing, guild));
      const message = core.createMessage({
        channelId: channel.id,
        authorId: core.state.botUserId,
        ...parts,
        flags: body.flags ?? 0,
      });
      if (nonce) rememberNonce(core, channel.id, nonce, message.id, core.now());
      core.actions.record({
        kind: 'message.sent',
        guildId: guild.id,
        channelId: channel.id,
        messageIds: [message.id],
        reason: req.reason,
        data: { ...parts },
      });
      return ok(apiMessage(core.state, message, guild));
    },
  },
  {
    method: 'PATCH',
    path: '/channels/:channelId/messages/:messageId',
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel');
      const message = core.message(guild, channel.id, param(req, 'messageId'));
      if (message.authorId !== core.state.botUserId) {
        throw new DiscordHttpError(
          403,
          RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
          'Cannot edit a message authored by another user',
        );
      }
      const body = parseBody(messageBody, req.body);
      core.editMessage(guild, message, {
        ...(body.content !== undefined ? { content: body.content } : {}),
        ...(body.embeds !== undefined ? { embeds: body.embeds as SandboxMessage['embeds'] } : {}),
        ...(body.components !== undefined
          ? { components: body.components as SandboxMessage['components'] }
          : {}),
      });
      core.actions.record({
        kind: 'message.edited',
        guildId: guild.id,
        channelId: channel.id,
        messageIds: [message.id],
        reason: req.reason,
        data: { ...body },
      });
      return ok(apiMessage(core.state, message, guild));
    },
  },
  {
    method: 'DELETE',
    path: '/channels/:channelId/messages/:messageId',
    bucket: { limit: 5, windowMs: 1000 },
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel');
      const message = core.message(guild, channel.id, param(req, 'messageId'));
      if (message.authorId !== core.state.botUserId)
        requireChannelPermissions(core, guild, channel, 'ManageMessages');
      core.deleteMessage(guild, message);
      core.actions.record({
        kind: 'message.deleted',
        guildId: guild.id,
        channelId: channel.id,
        userId: message.authorId,
        messageIds: [message.id],
        reason: req.reason,
        data: { content: message.content },
      });
      return noContent;
    },
  },
  {
    method: 'POST',
    path: '/channels/:channelId/messages/bulk-delete',
    bucket: { limit: 1, windowMs: 1000 },
    handle(req, core) {
      const { guild, channel } = core.channel(param(req, 'channelId'));
      requireChannelPermissions(core, guild, channel, 'ViewChannel', 'ManageMessages');
      const { messages } = parseBody(bulkBody, req.body);
      if (messages.length < 2 || messages.length > 100) {
        throw badRequest(
          RESTJSONErrorCodes.ProvidedTooFewOrTooManyMessagesToDelete,
          'You must provide at least 2 and fewer than 100 messages to delete.',
        );
      }
      // Discord refuses the whole request for a repeated id, or one older than two weeks (by its
      // snowflake, whether or not the message still exists); unknown ids count but are skipped.
      if (new Set(messages).size !== messages.length)
        throw invalidFormBody('messages', 'BASE_TYPE_BAD_LIST', 'Duplicate message ids are not allowed.');
      const found = messages.map((id) => guild.messages[id]).filter((m) => m?.channelId === channel.id);
      const tooOld = (id: string) =>
        /^\d{1,20}$/.test(id) && core.now() - snowflakeTimestamp(id) > TWO_WEEKS_MS;
      if (messages.some(tooOld) || found.some((m) => m && core.now() - m.createdAt > TWO_WEEKS_MS)) {
        throw badRequest(
          RESTJSONErrorCodes.OneOfTheMessagesProvidedWasTooOldForBulkDelete,
          'You can only bulk delete messages that are under 14 days old.',
        );
      }
      const ids = found.flatMap((m) => (m ? [m.id] : []));
      core.bulkDeleteMessages(guild, channel.id, ids);
      core.actions.record({
        kind: 'messages.bulkDeleted',
        guildId: guild.id,
        channelId: channel.id,
        messageIds: ids,
        reason: req.reason,
        data: { requested: messages.length },
      });
      return noContent;
    },
  },
];
