import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionContextType,
  InteractionType,
} from 'discord-api-types/v10';
import { SandboxUsageError } from './errors.ts';
import { apiChannel, apiMember, apiMemberFields, apiMessage, apiRole, apiUser, userOf } from './payloads.ts';
import { basePermissions, channelPermissions } from './permissions.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { SandboxGuild, SandboxInteraction } from './sandboxState.ts';

export type OptionValue = string | number | boolean;

export interface SlashCommandInput {
  readonly guildId?: string;
  readonly channelId: string;
  readonly userId: string;
  readonly name: string;
  /** A subcommand of `name`, whose options `options` are. */
  readonly subcommand?: string;
  /** Option values by name; types come from the registered command, else from the JS type. */
  readonly options?: Readonly<Record<string, OptionValue>>;
}

export interface ButtonClickInput {
  readonly channelId: string;
  readonly userId: string;
  readonly messageId: string;
  readonly customId: string;
}

interface DeclaredOption {
  name: string;
  type: number;
  options?: DeclaredOption[];
}

function declaredOptions(
  core: SandboxCore,
  guild: SandboxGuild,
  name: string,
  subcommand?: string,
): DeclaredOption[] {
  const command = [...guild.commands, ...core.state.globalCommands].find((c) => c.name === name);
  const top = ((command as { options?: DeclaredOption[] } | undefined)?.options ?? []) as DeclaredOption[];
  return subcommand ? (top.find((o) => o.name === subcommand)?.options ?? []) : top;
}

function inferType(value: OptionValue): number {
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

/** Sends interactions to the bot the way Discord does when a user runs a command or clicks a button. */
export class InteractionActions {
  constructor(private readonly core: SandboxCore) {}

  /** A member runs a slash command; INTERACTION_CREATE goes to the guild's shard. */
  runSlashCommand(input: SlashCommandInput): SandboxInteraction {
    const { guild, channel } = this.#where(input.channelId, input.userId, input.guildId);
    const declared = declaredOptions(this.core, guild, input.name, input.subcommand);
    const resolved: Record<string, Record<string, unknown>> = {};
    const options = Object.entries(input.options ?? {}).map(([name, value]) => {
      const type = declared.find((o) => o.name === name)?.type ?? inferType(value);
      this.#resolve(guild, type, String(value), resolved);
      return { name, type, value };
    });
    const command = [...guild.commands, ...this.core.state.globalCommands].find((c) => c.name === input.name);
    const data = {
      id: command?.id ?? this.core.ids.next(),
      name: input.name,
      type: ApplicationCommandType.ChatInput,
      guild_id: guild.id,
      options: input.subcommand
        ? [{ name: input.subcommand, type: ApplicationCommandOptionType.Subcommand, options }]
        : options,
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    return this.#send(InteractionType.ApplicationCommand, guild, channel.id, input.userId, data, null);
  }

  /** A member clicks a button on a message; INTERACTION_CREATE with the message. */
  clickButton(input: ButtonClickInput): SandboxInteraction {
    const { guild, channel } = this.#where(input.channelId, input.userId);
    const message = this.core.message(guild, channel.id, input.messageId);
    const data = { custom_id: input.customId, component_type: ComponentType.Button };
    return this.#send(InteractionType.MessageComponent, guild, channel.id, input.userId, data, message.id);
  }

  #where(channelId: string, userId: string, guildId?: string) {
    const found = this.core.channel(channelId);
    if (guildId !== undefined && found.guild.id !== guildId)
      throw new SandboxUsageError(`channel ${channelId} is not in guild ${guildId}`);
    if (!found.guild.members[userId])
      throw new SandboxUsageError(`user ${userId} is not a member of guild ${found.guild.id}`);
    return found;
  }

  #resolve(
    guild: SandboxGuild,
    type: number,
    id: string,
    resolved: Record<string, Record<string, unknown>>,
  ): void {
    const { state } = this.core;
    const add = (kind: string, value: unknown): void => {
      resolved[kind] = { ...(resolved[kind] ?? {}), [id]: value };
    };
    if (type === ApplicationCommandOptionType.User || type === ApplicationCommandOptionType.Mentionable) {
      add('users', apiUser(userOf(state, id)));
      const member = guild.members[id];
      if (member)
        add('members', { ...apiMemberFields(member), permissions: basePermissions(guild, id).toString() });
    } else if (type === ApplicationCommandOptionType.Channel) {
      const channel = guild.channels[id];
      if (channel)
        add('channels', {
          ...apiChannel(channel),
          permissions: channelPermissions(guild, channel, state.botUserId).toString(),
        });
    } else if (type === ApplicationCommandOptionType.Role) {
      const role = guild.roles[id];
      if (role) add('roles', apiRole(role));
    }
  }

  #send(
    type: InteractionType,
    guild: SandboxGuild,
    channelId: string,
    userId: string,
    data: unknown,
    sourceMessageId: string | null,
  ): SandboxInteraction {
    const { core } = this;
    const channel = guild.channels[channelId];
    const member = guild.members[userId];
    if (!channel || !member) throw new SandboxUsageError('interaction outside a known channel or member');
    const interaction: SandboxInteraction = {
      id: core.ids.next(),
      token: `aW50ZXJhY3Rpb24.${randomBytes(24).toString('base64url')}`,
      type,
      guildId: guild.id,
      channelId,
      userId,
      createdAt: core.now(),
      responded: false,
      originalMessageId: null,
      sourceMessageId,
    };
    core.state.interactions[interaction.id] = interaction;
    const source = sourceMessageId ? guild.messages[sourceMessageId] : undefined;
    const payload = {
      id: interaction.id,
      application_id: core.state.application.id,
      type,
      data,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: apiChannel(channel),
      member: {
        ...apiMember(core.state, member),
        permissions: channelPermissions(guild, channel, userId).toString(),
      },
      token: interaction.token,
      version: 1,
      app_permissions: channelPermissions(guild, channel, core.state.botUserId).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: InteractionContextType.Guild,
      attachment_size_limit: 10_485_760,
      ...(source ? { message: apiMessage(core.state, source, guild) } : {}),
    };
    core.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload, guild.id);
    return interaction;
  }
}
