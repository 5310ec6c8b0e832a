import { MAX_TIMEOUT_MINUTES } from '@chat-guard/events';
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
  type RESTPutAPIApplicationGuildCommandsJSONBody,
} from 'discord-api-types/v10';
import { CAMPAIGN_OPTIONS } from './campaignCommand.ts';
import { GATE_OPTIONS } from './gateCommand.ts';
import { LOCKDOWN_OPTIONS } from './lockdownCommand.ts';
import { type CommandPermission, MODERATION_COMMANDS } from './moderationDefinitions.ts';

export const ADMINISTRATOR = PermissionFlagsBits.Administrator;
export const MODERATOR = PermissionFlagsBits.ModerateMembers;

/** Who may run a command (the paper's Appendix A). */
export type Access = 'everyone' | 'administrator' | 'moderator';

/** The guard each toggle command switches, keyed by command name. */
export const TOGGLES = {
  spamblock: { field: 'spamGuard', label: 'Spam detection' },
  badwordblock: { field: 'badWordGuard', label: 'The bad-word filter' },
  inviteblock: { field: 'inviteGuard', label: 'Invite filtering' },
  linkblock: { field: 'linkGuard', label: 'Link filtering' },
  massmentionblock: { field: 'massPingGuard', label: 'Mass-mention prevention' },
  characterlimit: { field: 'characterLimit', label: 'The message length limit' },
} as const;

const enabledOption: APIApplicationCommandOption = {
  type: ApplicationCommandOptionType.Boolean,
  name: 'enabled',
  description: 'On or off (leave out to switch it over)',
  required: false,
};

const whitelistSubcommands: APIApplicationCommandOption[] = [
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'member',
    description: 'A member',
    options: [
      { type: ApplicationCommandOptionType.User, name: 'member', description: 'The member', required: true },
    ],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'role',
    description: 'A role',
    options: [
      { type: ApplicationCommandOptionType.Role, name: 'role', description: 'The role', required: true },
    ],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'channel',
    description: 'A channel',
    options: [
      {
        type: ApplicationCommandOptionType.Channel,
        name: 'channel',
        description: 'The channel',
        required: true,
        channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
      },
    ],
  },
];

interface CommandSpec {
  readonly access: Access;
  readonly description: string;
  readonly options?: APIApplicationCommandOption[];
  /** For moderators' commands: the permission that runs it (Timeout Members when absent). */
  readonly permission?: CommandPermission;
}

/** Appendix A: every command, what it does, and who may run it. */
export const COMMANDS: Record<string, CommandSpec> = {
  commands: { access: 'everyone', description: 'List all available commands' },
  settings: { access: 'administrator', description: 'View the current server configuration' },
  logchannel: {
    access: 'administrator',
    description: 'Set the audit log channel',
    options: [
      {
        type: ApplicationCommandOptionType.Channel,
        name: 'channel',
        description: 'Where moderation actions are posted',
        required: true,
        channel_types: [ChannelType.GuildText],
      },
    ],
  },
  ...Object.fromEntries(
    Object.entries(TOGGLES).map(([name, t]) => [
      name,
      {
        access: 'administrator' as const,
        description: `Toggle ${t.label.toLowerCase()}`,
        options: [enabledOption],
      },
    ]),
  ),
  addword: {
    access: 'administrator',
    description: 'Add a custom banned term',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'word',
        description: 'The term',
        required: true,
        min_length: 1,
        max_length: 100,
      },
    ],
  },
  removeword: {
    access: 'administrator',
    description: 'Remove a custom banned term',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'word',
        description: 'The term',
        required: true,
        min_length: 1,
        max_length: 100,
      },
    ],
  },
  muteduration: {
    access: 'administrator',
    description: 'Set the timeout duration in minutes',
    options: [
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'minutes',
        description: `1 to ${MAX_TIMEOUT_MINUTES} (28 days)`,
        required: true,
        min_value: 1,
        max_value: MAX_TIMEOUT_MINUTES,
      },
    ],
  },
  whitelistadd: {
    access: 'administrator',
    description: 'Exempt a member, role or channel',
    options: whitelistSubcommands,
  },
  whitelistremove: {
    access: 'administrator',
    description: 'Remove an exemption',
    options: whitelistSubcommands,
  },
  unmute: {
    access: 'moderator',
    description: "Remove a member's timeout",
    options: [
      { type: ApplicationCommandOptionType.User, name: 'member', description: 'The member', required: true },
      {
        type: ApplicationCommandOptionType.String,
        name: 'reason',
        description: 'Why',
        required: false,
        max_length: 300,
      },
    ],
  },
  campaign: {
    access: 'administrator',
    description: 'Referral campaigns: labelled invites and their counts',
    options: CAMPAIGN_OPTIONS,
  },
  lockdown: {
    access: 'administrator',
    description: 'Raid lockdowns: start, status, lift, profile, mode, alert channel and webhook',
    options: LOCKDOWN_OPTIONS,
  },
  gate: {
    access: 'administrator',
    description: 'The member gate: mode, failure action, entry checks, status',
    options: GATE_OPTIONS,
  },
  ...MODERATION_COMMANDS,
  privacy: { access: 'everyone', description: 'View the privacy policy' },
  invite: { access: 'everyone', description: 'View the repository and documentation' },
};

/** The permission a moderators' command needs besides Administrator. */
export function moderatorPermission(spec: CommandSpec): CommandPermission {
  return spec.permission ?? { flag: MODERATOR, name: 'Timeout Members' };
}

/** The bodies to register for a guild (bulk overwrite), with default member permissions set. */
export function commandBodies(): RESTPutAPIApplicationGuildCommandsJSONBody {
  return Object.entries(COMMANDS).map(([name, spec]) => ({
    name,
    description: spec.description,
    options: spec.options ?? [],
    default_member_permissions:
      spec.access === 'administrator'
        ? String(ADMINISTRATOR)
        : spec.access === 'moderator'
          ? String(moderatorPermission(spec).flag)
          : null,
    dm_permission: false,
  }));
}
