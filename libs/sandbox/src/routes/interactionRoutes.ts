import {
  type APIApplicationCommand,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { DiscordHttpError, unknown } from '../errors.ts';
import { surfaceOf } from '../interactionSurface.ts';
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
import { parseModal } from './modalBody.ts';

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

/** The interaction a webhook route names by its token, with the surface its messages live on. */
function webhookSurface(core: SandboxCore, req: RestRequest) {
  checkApplication(core, req);
  const interaction = interactionByToken(core, param(req, 'webhookToken'));
  return { interaction, surface: surfaceOf(core, interaction) };
}

/** The message a webhook route names (`@original` is the interaction's first reply). */
function webhookMessageId(req: RestRequest, interaction: SandboxInteraction): string {
  const raw = param(req, 'messageId');
  const id = raw === '@original' ? interaction.originalMessageId : raw;
  if (!id) throw unknown(RESTJSONErrorCodes.UnknownMessage);
  return id;
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
      const surface = surfaceOf(core, interaction);
      let messageId: string | null = null;
      let data: Record<string, unknown> = {};
      if (body.type === InteractionResponseType.Modal) {
        if (interaction.type === InteractionType.ModalSubmit)
          throw badRequest(
            RESTJSONErrorCodes.InvalidFormBodyOrContentType,
            'Cannot respond to a modal with a modal',
          );
        interaction.modal = parseModal(body.data);
        data = body.data ?? {};
      } else {
        const parsed = parseBody(messageBody, body.data ?? {});
        data = parsed;
        const flags = parsed.flags ?? 0;
        const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
        if (body.type === InteractionResponseType.ChannelMessageWithSource) {
          messageId = surface.post(messageParts(parsed), { flags, ephemeral, webhook: false });
          interaction.originalMessageId = messageId;
        } else if (body.type === InteractionResponseType.DeferredChannelMessageWithSource) {
          messageId = surface.post(
            { content: '', embeds: [], components: [] },
            { flags: flags | MessageFlags.Loading, ephemeral, webhook: false },
          );
          interaction.originalMessageId = messageId;
        } else if (body.type === InteractionResponseType.UpdateMessage && interaction.sourceMessageId) {
          messageId = interaction.sourceMessageId;
          surface.edit(messageId, messageParts(parsed));
        } else if (
          body.type !== InteractionResponseType.DeferredMessageUpdate &&
          body.type !== InteractionResponseType.UpdateMessage
        ) {
          throw new DiscordHttpError(
            400,
            RESTJSONErrorCodes.InvalidFormBodyOrContentType,
            'Invalid interaction response type',
          );
        }
      }
      interaction.responded = true;
      core.actions.record({
        kind: 'interaction.responded',
        guildId: surface.guildId,
        channelId: interaction.channelId,
        userId: interaction.userId,
        ...(messageId ? { messageIds: [messageId] } : {}),
        reason: null,
        data: { interactionId: interaction.id, type: body.type, ...data },
      });
      if (req.query.get('with_response') !== 'true') return noContent;
      const flags = typeof data.flags === 'number' ? data.flags : 0;
      return ok({
        interaction: {
          id: interaction.id,
          type: interaction.type,
          activity_instance_id: null,
          response_message_id: messageId,
          response_message_loading: body.type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
        },
        resource: { type: body.type, ...(messageId ? { message: surface.payload(messageId) } : {}) },
      });
    },
  },
  {
    method: 'POST',
    path: '/webhooks/:applicationId/:webhookToken',
    auth: false,
    handle(req, core) {
      const { interaction, surface } = webhookSurface(core, req);
      if (!interaction.responded) throw unknown(RESTJSONErrorCodes.UnknownWebhook);
      const data = parseBody(messageBody, req.body);
      const parts = messageParts(data);
      const flags = data.flags ?? 0;
      const messageId = surface.post(parts, {
        flags,
        ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
        webhook: true,
      });
      core.actions.record({
        kind: 'interaction.followUp',
        guildId: surface.guildId,
        channelId: interaction.channelId,
        userId: interaction.userId,
        messageIds: [messageId],
        reason: null,
        data: { interactionId: interaction.id, ...parts, flags },
      });
      return req.query.get('wait') === 'false' ? noContent : ok(surface.payload(messageId));
    },
  },
  {
    method: 'GET',
    path: '/webhooks/:applicationId/:webhookToken/messages/:messageId',
    auth: false,
    handle(req, core) {
      const { interaction, surface } = webhookSurface(core, req);
      return ok(surface.payload(webhookMessageId(req, interaction)));
    },
  },
  {
    method: 'PATCH',
    path: '/webhooks/:applicationId/:webhookToken/messages/:messageId',
    auth: false,
    handle(req, core) {
      const { interaction, surface } = webhookSurface(core, req);
      const messageId = webhookMessageId(req, interaction);
      const data = parseBody(messageBody, req.body);
      surface.edit(
        messageId,
        {
          ...(data.content !== undefined ? { content: data.content } : {}),
          ...(data.embeds !== undefined ? { embeds: data.embeds as SandboxMessage['embeds'] } : {}),
          ...(data.components !== undefined
            ? { components: data.components as SandboxMessage['components'] }
            : {}),
        },
        MessageFlags.Loading,
      );
      core.actions.record({
        kind: 'message.edited',
        guildId: surface.guildId,
        channelId: interaction.channelId,
        userId: interaction.userId,
        messageIds: [messageId],
        reason: null,
        data: { interactionId: interaction.id, ...data },
      });
      return ok(surface.payload(messageId));
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:applicationId/:webhookToken/messages/:messageId',
    auth: false,
    handle(req, core) {
      const { interaction, surface } = webhookSurface(core, req);
      surface.remove(webhookMessageId(req, interaction));
      return noContent;
    },
  },
];
