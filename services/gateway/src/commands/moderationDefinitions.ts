import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';

const Opt = ApplicationCommandOptionType;

const member = (description = 'The member'): APIApplicationCommandOption => ({
  type: Opt.User,
  name: 'member',
  description,
  required: true,
});
const reason = (required = true): APIApplicationCommandOption => ({
  type: Opt.String,
  name: 'reason',
  description: 'Why (the member reads it in the DM; kept in the case)',
  required,
  min_length: 1,
  max_length: 500,
});
const caseNumber: APIApplicationCommandOption = {
  type: Opt.Integer,
  name: 'number',
  description: 'The case number',
  required: true,
  min_value: 1,
};
const enabled: APIApplicationCommandOption = {
  type: Opt.Boolean,
  name: 'enabled',
  description: 'On or off',
  required: true,
};
const sub = (
  name: string,
  description: string,
  options: APIApplicationCommandOption[] = [],
): APIApplicationCommandOption =>
  ({ type: Opt.Subcommand, name, description, options }) as APIApplicationCommandOption;

/** A Discord permission that runs a command besides Administrator, with its name for refusals. */
export interface CommandPermission {
  readonly flag: bigint;
  readonly name: string;
}

export const PERMISSIONS = {
  moderate: { flag: PermissionFlagsBits.ModerateMembers, name: 'Timeout Members' },
  kick: { flag: PermissionFlagsBits.KickMembers, name: 'Kick Members' },
  ban: { flag: PermissionFlagsBits.BanMembers, name: 'Ban Members' },
  messages: { flag: PermissionFlagsBits.ManageMessages, name: 'Manage Messages' },
  guild: { flag: PermissionFlagsBits.ManageGuild, name: 'Manage Server' },
} as const satisfies Record<string, CommandPermission>;

interface Spec {
  readonly access: 'everyone' | 'administrator' | 'moderator';
  readonly description: string;
  readonly options?: APIApplicationCommandOption[];
  readonly permission?: CommandPermission;
}

/** Moderators' commands, cases, their settings, and invite counts. */
export const MODERATION_COMMANDS: Record<string, Spec> = {
  warn: {
    access: 'moderator',
    permission: PERMISSIONS.moderate,
    description: 'Warn a member: a case, and a DM',
    options: [member(), reason()],
  },
  timeout: {
    access: 'moderator',
    permission: PERMISSIONS.moderate,
    description: 'Time a member out, e.g. for 10m, 2h, 1d or 1w (28 days at most)',
    options: [
      member(),
      {
        type: Opt.String,
        name: 'duration',
        description: 'How long: 10m, 2h, 1d, 1w, or minutes',
        required: true,
        max_length: 20,
      },
      reason(),
    ],
  },
  kick: {
    access: 'moderator',
    permission: PERMISSIONS.kick,
    description: 'Remove a member from the server',
    options: [member(), reason()],
  },
  ban: {
    access: 'moderator',
    permission: PERMISSIONS.ban,
    description: 'Ban a member (or any user), deleting some days of their messages',
    options: [
      member('The member or user'),
      reason(),
      {
        type: Opt.Integer,
        name: 'delete_days',
        description: 'Days of their messages to delete, 0 to 7 (default 0)',
        min_value: 0,
        max_value: 7,
      },
    ],
  },
  unban: {
    access: 'moderator',
    permission: PERMISSIONS.ban,
    description: 'Lift a ban',
    options: [{ type: Opt.User, name: 'user', description: 'The banned user', required: true }, reason()],
  },
  purge: {
    access: 'moderator',
    permission: PERMISSIONS.messages,
    description: 'Delete the last messages of this channel, optionally of one member (under 14 days old)',
    options: [
      {
        type: Opt.Integer,
        name: 'count',
        description: 'How many, 1 to 100',
        required: true,
        min_value: 1,
        max_value: 100,
      },
      { type: Opt.User, name: 'member', description: 'Only their messages' },
      reason(false),
    ],
  },
  note: {
    access: 'moderator',
    permission: PERMISSIONS.moderate,
    description: 'Add a private note to a member’s record (a case; the member is not told)',
    options: [
      member(),
      {
        type: Opt.String,
        name: 'text',
        description: 'The note',
        required: true,
        min_length: 1,
        max_length: 500,
      },
    ],
  },
  case: {
    access: 'moderator',
    permission: PERMISSIONS.moderate,
    description: 'Show a case, or correct its reason',
    options: [
      sub('view', 'Show case N', [caseNumber]),
      sub('edit', 'Correct the reason of case N (audited; the old reason is kept in the log)', [
        caseNumber,
        reason(),
      ]),
    ],
  },
  cases: {
    access: 'moderator',
    permission: PERMISSIONS.moderate,
    description: 'A member’s cases, newest first',
    options: [
      member(),
      { type: Opt.Integer, name: 'page', description: 'Page (10 cases each)', min_value: 1 },
    ],
  },
  modsettings: {
    access: 'administrator',
    description: 'Moderators’ tools: DMs, escalation, appeals',
    options: [
      sub('dm', 'Tell members by DM about warnings, timeouts, kicks and bans', [enabled]),
      sub('countmanual', 'Count moderators’ warnings and timeouts towards the escalation', [enabled]),
      sub('appealchannel', 'Take appeals, posted in this channel', [
        {
          type: Opt.Channel,
          name: 'channel',
          description: 'Where appeals go',
          required: true,
          channel_types: [ChannelType.GuildText],
        },
      ]),
      sub('appealsoff', 'Take no appeals'),
      sub('appealcooldown', 'Hours between a member’s appeals', [
        {
          type: Opt.Integer,
          name: 'hours',
          description: '0 to 720',
          required: true,
          min_value: 0,
          max_value: 720,
        },
      ]),
      sub('appealreset', 'An accepted appeal also resets the member’s violation count', [enabled]),
    ],
  },
  invites: {
    access: 'everyone',
    description: 'Invite counts: regular, left, fake and bonus',
    options: [{ type: Opt.User, name: 'member', description: 'Whose (you when left out)' }],
  },
  leaderboard: {
    access: 'everyone',
    description: 'Who invited the most members',
    options: [
      {
        type: Opt.String,
        name: 'period',
        description: 'Joins of the last day, week, month, or all time (default)',
        choices: ['all', 'month', 'week', 'day'].map((p) => ({ name: p, value: p })),
      },
    ],
  },
  inviter: {
    access: 'everyone',
    description: 'Who invited a member, and how sure Chat Guard is',
    options: [member()],
  },
  'bonus-invites': {
    access: 'moderator',
    permission: PERMISSIONS.guild,
    description: 'Grant (or take back) invites by hand',
    options: [
      sub('add', 'Add bonus invites to a member (negative to take some back)', [
        member(),
        {
          type: Opt.Integer,
          name: 'amount',
          description: '-1000 to 1000, not 0',
          required: true,
          min_value: -1000,
          max_value: 1000,
        },
        reason(false),
      ]),
    ],
  },
  joinmessage: {
    access: 'administrator',
    description: 'Post "X joined, invited by Y (N invites)" in a channel, or stop',
    options: [
      sub('channel', 'Post join messages here', [
        {
          type: Opt.Channel,
          name: 'channel',
          description: 'The channel',
          required: true,
          channel_types: [ChannelType.GuildText],
        },
      ]),
      sub('off', 'Post no join messages'),
    ],
  },
};
