import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionContextType,
  InteractionType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import { apiDmChannel, apiDmMessage } from './dmMessages.ts';
import { SandboxUsageError } from './errors.ts';
import { apiChannel, apiMember, apiMemberFields, apiMessage, apiRole, apiUser, userOf } from './payloads.ts';
import { basePermissions, channelPermissions } from './permissions.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { SandboxDmChannel, SandboxGuild, SandboxInteraction } from './sandboxState.ts';

export type OptionValue = string | number | boolean;

export interface SlashCommandInput {
  readonly guildId?: string;
  readonly channelId: string;
  readonly userId: string;
  readonly name: string;
  /** A subcommand group of `name` (e.g. `profile` of `/lockdown profile show`), holding `subcommand`. */
  readonly group?: string;
  /** A subcommand of `name` (or of `group`), whose options `options` are. */
  readonly subcommand?: string;
  /** Option values by name; types come from the registered command, else from the JS type. */
  readonly options?: Readonly<Record<string, OptionValue>>;
}

export interface ButtonClickInput {
  /** A guild channel, or the DM channel of the bot with the user (a button on a DM). */
  readonly channelId: string;
  readonly userId: string;
  readonly messageId: string;
  readonly customId: string;
}

export interface ModalSubmitInput {
  /** The interaction the bot answered with the modal. */
  readonly interactionId: string;
  /** What the user typed, by the text inputs' custom ids. */
  readonly values: Readonly<Record<string, string>>;
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
  group?: string,
): DeclaredOption[] {
  const command = [...guild.commands, ...core.state.globalCommands].find((c) => c.name === name);
  let top = ((command as { options?: DeclaredOption[] } | undefined)?.options ?? []) as DeclaredOption[];
  if (group) top = top.find((o) => o.name === group)?.options ?? [];
  return subcommand ? (top.find((o) => o.name === subcommand)?.options ?? []) : top;
}

/** What the bot may do in a DM: read and send, no more. */
const DM_APP_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis;

/** The options as Discord nests them: under the subcommand, itself under its group. */
function nest(input: SlashCommandInput, options: unknown[]): unknown[] {
  if (!input.subcommand) return options;
  const sub = [{ name: input.subcommand, type: ApplicationCommandOptionType.Subcommand, options }];
  return input.group
    ? [{ name: input.group, type: ApplicationCommandOptionType.SubcommandGroup, options: sub }]
    : sub;
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
    const declared = declaredOptions(this.core, guild, input.name, input.subcommand, input.group);
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
      options: nest(input, options),
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    return this.#send(InteractionType.ApplicationCommand, guild, channel.id, input.userId, data, null);
  }

  /**
   * A member clicks a button on a message, in a guild channel or on a DM the bot sent them;
   * INTERACTION_CREATE with the message. Any custom id may be given (a modified client can send
   * one the message does not have), so a bot's checks of it can be tested.
   */
  clickButton(input: ButtonClickInput): SandboxInteraction {
    const data = { custom_id: input.customId, component_type: ComponentType.Button };
    const dm = this.core.state.dmChannels[input.channelId];
    if (dm) {
      if (dm.userId !== input.userId)
        throw new SandboxUsageError(`DM channel ${dm.id} belongs to another user than ${input.userId}`);
      const message = dm.messages.find((m) => m.id === input.messageId);
      if (!message) throw new SandboxUsageError(`no message ${input.messageId} in DM channel ${dm.id}`);
      return this.#sendDm(InteractionType.MessageComponent, dm, data, message.id);
    }
    const { guild, channel } = this.#where(input.channelId, input.userId);
    const message = this.core.message(guild, channel.id, input.messageId);
    return this.#send(InteractionType.MessageComponent, guild, channel.id, input.userId, data, message.id);
  }

  /**
   * The user submits the modal the bot answered an interaction with; INTERACTION_CREATE of type
   * MODAL_SUBMIT in the same place. Refused like the client refuses: a required input left
   * empty, a value outside its length bounds, an input the modal does not have, a second submit.
   */
  submitModal(input: ModalSubmitInput): SandboxInteraction {
    const opener = this.core.state.interactions[input.interactionId];
    const modal = opener?.modal;
    if (!opener || !modal) throw new SandboxUsageError(`interaction ${input.interactionId} showed no modal`);
    if (modal.submitted)
      throw new SandboxUsageError(`the modal of ${input.interactionId} was submitted already`);
    for (const name of Object.keys(input.values)) {
      if (!modal.inputs.some((i) => i.customId === name))
        throw new SandboxUsageError(`the modal has no input "${name}"`);
    }
    const components = modal.inputs.map((i) => {
      const value = input.values[i.customId] ?? '';
      if (i.required && value === '') throw new SandboxUsageError(`"${i.customId}" is required`);
      if (value !== '' && (value.length < i.minLength || value.length > i.maxLength))
        throw new SandboxUsageError(`"${i.customId}" must be ${i.minLength} to ${i.maxLength} characters`);
      const field = { type: ComponentType.TextInput, custom_id: i.customId, value };
      return i.inLabel
        ? { type: ComponentType.Label, component: field }
        : { type: ComponentType.ActionRow, components: [field] };
    });
    modal.submitted = true;
    const data = { custom_id: modal.customId, components };
    const source = opener.sourceMessageId;
    if (opener.guildId === null) {
      const dm = this.core.state.dmChannels[opener.channelId];
      if (!dm) throw new SandboxUsageError(`DM channel ${opener.channelId} is gone`);
      return this.#sendDm(InteractionType.ModalSubmit, dm, data, source);
    }
    const guild = this.core.guild(opener.guildId);
    return this.#send(InteractionType.ModalSubmit, guild, opener.channelId, opener.userId, data, source);
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

  /** An interaction in the bot's DM with a user: no guild, the user instead of a member. */
  #sendDm(
    type: InteractionType,
    dm: SandboxDmChannel,
    data: unknown,
    sourceMessageId: string | null,
  ): SandboxInteraction {
    const { core } = this;
    const interaction: SandboxInteraction = {
      id: core.ids.next(),
      token: `aW50ZXJhY3Rpb24.${randomBytes(24).toString('base64url')}`,
      type,
      guildId: null,
      channelId: dm.id,
      userId: dm.userId,
      createdAt: core.now(),
      responded: false,
      originalMessageId: null,
      sourceMessageId,
    };
    core.state.interactions[interaction.id] = interaction;
    const source = sourceMessageId ? dm.messages.find((m) => m.id === sourceMessageId) : undefined;
    const payload = {
      id: interaction.id,
      application_id: core.state.application.id,
      type,
      data,
      channel_id: dm.id,
      channel: apiDmChannel(core, dm),
      user: apiUser(userOf(core.state, dm.userId)),
      token: interaction.token,
      version: 1,
      app_permissions: DM_APP_PERMISSIONS.toString(),
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': core.state.application.id },
      context: InteractionContextType.BotDM,
      attachment_size_limit: 10_485_760,
      ...(source ? { message: apiDmMessage(core, dm, source) } : {}),
    };
    // INTERACTION_CREATE needs no intent and reaches the bot whatever its shards (shard 0 for DMs).
    core.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload, null);
    return interaction;
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
