import {
  type APIApplicationCommand,
  InteractionResponseType,
  MessageFlags,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { DiscordHttpError, unknown } from '../errors.ts';
import { apiMessage } from '../payloads.ts';
import {
  badRequest,
  noContent,
  ok,
  param,
  parseBody,
  type RestRequest,
  type RouteDef,
} from '../restRouter.ts';
import type { SandboxCore } from '../sandboxCore.ts';
import type { SandboxInteraction, SandboxMessage } from '../sandboxState.ts';
import { messageBody, messageParts } from './messageBody.ts';

const commandBody = z.array(
  z
    .object({
      name: z.string().min(1).max(32),
      description: z.string().max(100).optional(),
      type: z.number().int().min(1).max(4).optional(),
      options: z.array(z.looseObject({})).max(25).optional(),
    })
    .loose(),
);
const callbackBody = z.object({ type: z.number().int(), data: z.looseObject({}).optional() });

function checkApplication(core: SandboxCore, req: RestRequest): void {
  if (param(req, 'applicationId') !== core.state.application.id)
    throw unknown(RESTJSONErrorCodes.UnknownApplication);
}

function overwriteCommands(
  core: SandboxCore,
  req: RestRequest,
  guildId: string | null,
): APIApplicationCommand[] {
  const body = parseBody(commandBody, req.body);
  return body.map((c) => ({
    ...c,
    id: core.ids.next(),
    application_id: core.state.application.id,
    ...(guildId ? { guild_id: guildId } : {}),
    type: c.type ?? 1,
    description: c.description ?? '',
    version: core.ids.next(),
    default_member_permissions: null,
    nsfw: false,
  })) as unknown as APIApplicationCommand[];
}

function interactionByToken(core: SandboxCore, token: string): SandboxInteraction {
  const interaction = Object.values(core.state.interactions).find((i) => i.token === token);
  if (!interaction) throw unknown(RESTJSONErrorCodes.UnknownWebhook);
  return interaction;
}

function webhookMessage(
  core: SandboxCore,
  req: RestRequest,
): { interaction: SandboxInteraction; message: SandboxMessage } {
  checkApplication(core, req);
  const interaction = interactionByToken(core, param(req, 'webhookToken'));
  const raw = param(req, 'messageId');
  const id = raw === '@original' ? interaction.originalMessageId : raw;
  const message = id ? core.state.guilds[interaction.guildId]?.messages[id] : undefined;
  if (!message) throw unknown(RESTJSONErrorCodes.UnknownMessage);
  return { interaction, message };
}

export const interactionRoutes: RouteDef[] = [
  ...(['guild', 'global'] as const).flatMap((scope): RouteDef[] => {
    const path =
      scope === 'guild'
        ? '/applications/:applicationId/guilds/:guildId/commands'
        : '/applications/:applicationId/commands';
    const list = (core: SandboxCore, req: RestRequest) =>
      scope === 'guild' ? core.guild(param(req, 'guildId')).commands : core.state.globalCommands;
    return [
      {
        method: 'GET',
        path,
        handle(req, core) {
          checkApplication(core, req);
          return ok(list(core, req));
        },
      },
      {
        method: 'PUT',
        path,
        handle(req, core) {
          checkApplication(core, req);
          const guildId = scope === 'guild' ? core.guild(param(req, 'guildId')).id : null;
          const commands = overwriteCommands(core, req, guildId);
          if (guildId) core.guild(guildId).commands = commands;
          else core.state.globalCommands = commands;
          core.actions.record({
            kind: 'commands.overwritten',
            guildId,
            reason: null,
            data: { names: commands.map((c) => c.name) },
          });
          return ok(commands);
        },
      },
    ];
  }),
  {
    method: 'POST',
    path: '/interactions/:interactionId/:interactionToken/callback',
    auth: false,
    handle(req, core) {
      const interaction = core.state.interactions[param(req, 'interactionId')];
      if (!interaction || interaction.token !== param(req, 'interactionToken'))
        throw unknown(RESTJSONErrorCodes.UnknownInteraction);
      if (interaction.responded) {
        throw badRequest(
          RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
          'Interaction has already been acknowledged.',
        );
      }
      if (core.now() - interaction.createdAt > core.interactionWindowMs)
        throw unknown(RESTJSONErrorCodes.UnknownInteraction);
      const body = parseBody(callbackBody, req.body);
      const data = parseBody(messageBody, body.data ?? {});
      const guild = core.guild(interaction.guildId);
      let message: SandboxMessage | undefined;
      const ephemeral = ((data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
      if (body.type === InteractionResponseType.ChannelMessageWithSource) {
        const parts = messageParts(data);
        message = core.createMessage({
          channelId: interaction.channelId,
          authorId: core.state.botUserId,
          ...parts,
          flags: data.flags ?? 0,
          interactionId: interaction.id,
          ephemeral,
        });
        interaction.originalMessageId = message.id;
      } else if (body.type === InteractionResponseType.DeferredChannelMessageWithSource) {
        message = core.createMessage({
          channelId: interaction.channelId,
          authorId: core.state.botUserId,
          content: '',
          flags: (data.flags ?? 0) | MessageFlags.Loading,
          interactionId: interaction.id,
          ephemeral,
        });
        interaction.originalMessageId = message.id;
      } else if (body.type === InteractionResponseType.UpdateMessage && interaction.sourceMessageId) {
        message = guild.messages[interaction.sourceMessageId];
        if (message) core.editMessage(guild, message, messageParts(data));
      } else if (
        body.type !== InteractionResponseType.DeferredMessageUpdate &&
        body.type !== InteractionResponseType.Modal &&
        body.type !== InteractionResponseType.UpdateMessage
      ) {
        throw new DiscordHttpError(
          400,
          RESTJSONErrorCodes.InvalidFormBodyOrContentType,
          'Invalid interaction response type',
        );
      }
      interaction.responded = true;
      core.actions.record({
        kind: 'interaction.responded',
        guildId: guild.id,
        channelId: interaction.channelId,
        userId: interaction.userId,
        ...(message ? { messageIds: [message.id] } : {}),
        reason: null,
        data: { interactionId: interaction.id, type: body.type, ...data },
      });
      if (req.query.get('with_response') !== 'true') return noContent;
      return ok({
        interaction: {
          id: interaction.id,
          type: interaction.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: body.type === 5,
          response_message_ephemeral: ephemeral,
        },
        resource: {
          type: body.type,
          ...(message ? { message: apiMessage(core.state, message, guild) } : {}),
        },
      });
    },
  },
  {
    method: 'POST',
    path: '/webhooks/:applicationId/:webhookToken',
    auth: false,
    handle(req, core) {
      checkApplication(core, req);
      const interaction = interactionByToken(core, param(req, 'webhookToken'));
      if (!interaction.responded) throw unknown(RESTJSONErrorCodes.UnknownWebhook);
      const data = parseBody(messageBody, req.body);
      const parts = messageParts(data);
      const flags = data.flags ?? 0;
      const message = core.createMessage({
        channelId: interaction.channelId,
        authorId: core.state.botUserId,
        ...parts,
        flags,
        webhookId: core.state.application.id,
        interactionId: interaction.id,
        ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
      });
      core.actions.record({
        kind: 'interaction.followUp',
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.userId,
        messageIds: [message.id],
        reason: null,
        data: { interactionId: interaction.id, ...parts, flags },
      });
      const guild = core.guild(interaction.guildId);
      return req.query.get('wait') === 'false' ? noContent : ok(apiMessage(core.state, message, guild));
    },
  },
  {
    method: 'GET',
    path: '/webhooks/:applicationId/:webhookToken/messages/:messageId',
    auth: false,
    handle(req, core) {
      const { interaction, message } = webhookMessage(core, req);
      return ok(apiMessage(core.state, message, core.guild(interaction.guildId)));
    },
  },
  {
    method: 'PATCH',
    path: '/webhooks/:applicationId/:webhookToken/messages/:messageId',
    auth: false,
    handle(req, core) {
      const { interaction, message } = webhookMessage(core, req);
      const guild = core.guild(interaction.guildId);
      const data = parseBody(messageBody, req.body);
      message.flags &= ~MessageFlags.Loading;
      core.editMessage(guild, message, {
        ...(data.content !== undefined ? { content: data.content } : {}),
        ...(data.embeds !== undefined ? { embeds: data.embeds as SandboxMessage['embeds'] } : {}),
        ...(data.components !== undefined
          ? { components: data.components as SandboxMessage['components'] }
          : {}),
      });
      core.actions.record({
        kind: 'message.edited',
        guildId: guild.id,
        channelId: message.channelId,
        userId: interaction.userId,
        messageIds: [message.id],
        reason: null,
        data: { interactionId: interaction.id, ...data },
      });
      return ok(apiMessage(core.state, message, guild));
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:applicationId/:webhookToken/messages/:messageId',
    auth: false,
    handle(req, core) {
      const { interaction, message } = webhookMessage(core, req);
      core.deleteMessage(core.guild(interaction.guildId), message);
      return noContent;
    },
  },
];
