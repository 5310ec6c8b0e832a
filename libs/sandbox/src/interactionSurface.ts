import { MessageFlags, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { apiDmMessage, createDmMessage } from './dmMessages.ts';
import { unknown } from './errors.ts';
import { apiMessage } from './payloads.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { SandboxInteraction, SandboxMessage } from './sandboxState.ts';

type Parts = Pick<SandboxMessage, 'content' | 'embeds' | 'components'>;

/**
 * Where an interaction's replies live: its guild channel, or the bot's DM with the user (a
 * button on a DM has no guild). Replies, follow-ups and `@original` edits go through here.
 */
export interface InteractionSurface {
  readonly guildId: string | null;
  /** The bot posts a reply or follow-up; returns its id. */
  post(parts: Parts, options: { flags: number; ephemeral: boolean; webhook: boolean }): string;
  /** The message's payload, or 404 10008. */
  payload(messageId: string): unknown;
  edit(messageId: string, patch: Partial<Parts>, clearFlags?: number): void;
  remove(messageId: string): void;
}

export function surfaceOf(core: SandboxCore, interaction: SandboxInteraction): InteractionSurface {
  if (interaction.guildId === null) return dmSurface(core, interaction);
  const guild = core.guild(interaction.guildId);
  const find = (id: string): SandboxMessage => {
    const message = guild.messages[id];
    if (!message) throw unknown(RESTJSONErrorCodes.UnknownMessage);
    return message;
  };
  return {
    guildId: guild.id,
    post(parts, options) {
      return core.createMessage({
        channelId: interaction.channelId,
        authorId: core.state.botUserId,
        ...parts,
        flags: options.flags,
        interactionId: interaction.id,
        ephemeral: options.ephemeral,
        ...(options.webhook ? { webhookId: core.state.application.id } : {}),
      }).id;
    },
    payload: (id) => apiMessage(core.state, find(id), guild),
    edit(id, patch, clearFlags = 0) {
      const message = find(id);
      message.flags &= ~clearFlags;
      core.editMessage(guild, message, patch);
    },
    remove: (id) => core.deleteMessage(guild, find(id)),
  };
}

function dmSurface(core: SandboxCore, interaction: SandboxInteraction): InteractionSurface {
  const dm = core.state.dmChannels[interaction.channelId];
  if (!dm) throw unknown(RESTJSONErrorCodes.UnknownChannel);
  const find = (id: string) => {
    const message = dm.messages.find((m) => m.id === id);
    if (!message) throw unknown(RESTJSONErrorCodes.UnknownMessage);
    return message;
  };
  return {
    guildId: null,
    post: (parts, options) =>
      createDmMessage(core, dm, parts, { flags: options.flags, interactionId: interaction.id }).id,
    payload: (id) => apiDmMessage(core, dm, find(id)),
    edit(id, patch, clearFlags = 0) {
      const message = find(id);
      Object.assign(message, patch, {
        editedAt: core.now(),
        flags: (message.flags ?? 0) & ~clearFlags,
      });
    },
    remove(id) {
      find(id);
      dm.messages = dm.messages.filter((m) => m.id !== id);
    },
  };
}

export const LOADING = MessageFlags.Loading;
