import { classifyRestError, type DiscordPort, isAlreadyGone, UNKNOWN_MEMBER } from '@chat-guard/discord';
import type { REST } from '@discordjs/rest';
import {
  type APIChannel,
  type APIEmbed,
  type APIMessageComponent,
  type APIModalInteractionResponseCallbackData,
  type APIRole,
  ChannelType,
  InteractionResponseType,
  MessageFlags,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from 'discord-api-types/v10';

/** What the member gate asks of Discord: its role, its channel, members' roles, kicks, replies. */
export interface GateDiscord
  extends Pick<DiscordPort, 'listChannels' | 'putOverwrite' | 'sendMessage' | 'editMessage' | 'kickMember'> {
  /** The ids of the guild's roles. */
  roleIds(guildId: string): Promise<string[]>;
  createRole(guildId: string, name: string, reason: string): Promise<string>;
  createTextChannel(
    guildId: string,
    name: string,
    overwrites: readonly { id: string; type: 0 | 1; allow: string; deny: string }[],
    reason: string,
  ): Promise<string>;
  addMemberRole(guildId: string, userId: string, roleId: string, reason: string): Promise<void>;
  /** Removes a role; a member who left is not an error. */
  removeMemberRole(guildId: string, userId: string, roleId: string, reason: string): Promise<void>;
  /** Answers an interaction with a message only the clicker sees. */
  replyPrivately(
    interaction: { readonly id: string; readonly token: string },
    content: string,
    components?: APIMessageComponent[],
    embeds?: APIEmbed[],
    files?: { readonly name: string; readonly data: Buffer }[],
  ): Promise<void>;
  /** Answers an interaction with a modal (only a first answer may be one). */
  showModal(
    interaction: { readonly id: string; readonly token: string },
    modal: APIModalInteractionResponseCallbackData,
  ): Promise<void>;
  /** Whether a message still exists in a channel. */
  messageExists(channelId: string, messageId: string): Promise<boolean>;
}

/** The gate's Discord calls over the shared REST client, errors sorted like every other call. */
export function createGateDiscord(port: DiscordPort & { readonly rest: REST }): GateDiscord {
  const { rest } = port;
  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw classifyRestError(err, what);
    }
  };
  return {
    listChannels: (g) => port.listChannels(g),
    putOverwrite: (c, o, r) => port.putOverwrite(c, o, r),
    sendMessage: (c, b: RESTPostAPIChannelMessageJSONBody) => port.sendMessage(c, b),
    editMessage: (c, m, b) => port.editMessage(c, m, b),
    kickMember: (g, u, r) => port.kickMember(g, u, r),
    async roleIds(guildId) {
      const roles = (await call(`list the roles of ${guildId}`, () =>
        rest.get(Routes.guildRoles(guildId)),
      )) as APIRole[];
      return roles.map((r) => r.id);
    },
    async createRole(guildId, name, reason) {
      const role = (await call(`create the ${name} role`, () =>
        rest.post(Routes.guildRoles(guildId), {
          body: { name, permissions: '0', mentionable: false },
          reason,
        }),
      )) as APIRole;
      return role.id;
    },
    async createTextChannel(guildId, name, overwrites, reason) {
      const channel = (await call(`create #${name}`, () =>
        rest.post(Routes.guildChannels(guildId), {
          body: { name, type: ChannelType.GuildText, permission_overwrites: overwrites },
          reason,
        }),
      )) as APIChannel;
      return channel.id;
    },
    async addMemberRole(guildId, userId, roleId, reason) {
      await call(`give ${userId} the role ${roleId}`, () =>
        rest.put(Routes.guildMemberRole(guildId, userId, roleId), { reason }),
      );
    },
    async removeMemberRole(guildId, userId, roleId, reason) {
      try {
        await rest.delete(Routes.guildMemberRole(guildId, userId, roleId), { reason });
      } catch (err) {
        if (isAlreadyGone(err, [UNKNOWN_MEMBER])) return;
        throw classifyRestError(err, `take the role ${roleId} from ${userId}`);
      }
    },
    async showModal(interaction, modal) {
      await call('show the check', () =>
        rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
          auth: false,
          body: { type: InteractionResponseType.Modal, data: modal },
        }),
      );
    },
    async replyPrivately(interaction, content, components, embeds, files) {
      await call('answer the Verify button', () =>
        rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
          auth: false,
          body: {
            type: InteractionResponseType.ChannelMessageWithSource,
            data: {
              content,
              flags: MessageFlags.Ephemeral,
              allowed_mentions: { parse: [] },
              ...(components ? { components } : {}),
              ...(embeds ? { embeds } : {}),
              ...(files ? { attachments: files.map((f, id) => ({ id, filename: f.name })) } : {}),
            },
          },
          ...(files ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}),
        }),
      );
    },
    async messageExists(channelId, messageId) {
      try {
        await rest.get(Routes.channelMessage(channelId, messageId));
        return true;
      } catch (err) {
        if (isAlreadyGone(err, [10008])) return false;
        throw classifyRestError(err, `read message ${messageId}`);
      }
    },
  };
}
