import { type GuildConfig, MAX_TIMEOUT_MINUTES } from '@chat-guard/events';
import { CommandRefused } from './commandRefused.ts';
import { ADMINISTRATOR, COMMANDS, moderatorPermission, TOGGLES } from './definitions.ts';
import { decideGateChange } from './gateCommand.ts';
import { decideLockdownChange } from './lockdownCommand.ts';
import { MODERATION_ACTIONS } from './moderationCommand.ts';
import { decideJoinMessage, decideModerationSettings } from './settingsCommands.ts';
import { describeSettings, PRIVACY_TEXT, PROJECT_TEXT } from './texts.ts';

export interface CommandInput {
  readonly name: string;
  /** A subcommand group, e.g. `profile` of `/lockdown profile slowmode`. */
  readonly group?: string | null;
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly userId: string;
  /** The member's computed permissions in the channel. */
  readonly memberPermissions: bigint;
}

export type Decision =
  /** An ephemeral answer and nothing else. */
  | { readonly kind: 'reply'; readonly content: string }
  /** A configuration change; `describe` words the reply from the result. */
  | {
      readonly kind: 'change';
      readonly change: (current: GuildConfig) => Partial<GuildConfig>;
      readonly describe: (after: GuildConfig) => string;
    }
  /** The guild's settings as they are now. */
  | { readonly kind: 'show'; readonly describe: (config: GuildConfig) => string }
  | { readonly kind: 'unmute'; readonly userId: string; readonly reason: string }
  /** A /campaign subcommand, carried out against Discord and the campaign store. */
  | { readonly kind: 'campaign' }
  /** `/lockdown start`, `status`, `lift` or `profile show`, which read the lockdown in force. */
  | { readonly kind: 'lockdown' }
  /** A moderator's action on a member or messages, checked against Discord, then the enforcer's. */
  | { readonly kind: 'moderation' }
  /** `/case` and `/cases`. */
  | { readonly kind: 'case' }
  /** `/invites`, `/leaderboard`, `/inviter`, `/bonus-invites`. */
  | { readonly kind: 'invite-count' }
  /** `/gate status`, which reads the verifier's tables. */
  | { readonly kind: 'gate-status' };

const SNOWFLAKE = /^\d{1,20}$/;

export { CommandRefused };

function mayRun(spec: (typeof COMMANDS)[string], permissions: bigint): boolean {
  if (spec.access === 'everyone' || (permissions & ADMINISTRATOR) === ADMINISTRATOR) return true;
  const needed = moderatorPermission(spec).flag;
  return spec.access === 'moderator' && (permissions & needed) === needed;
}

function option<T extends 'string' | 'number' | 'boolean'>(
  input: CommandInput,
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = input.options[name];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new CommandRefused(`\`${name}\` must be a ${type}.`);
  return value as never;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new CommandRefused(`\`${name}\` is required.`);
  return value;
}

function id(input: CommandInput, name: string): string {
  const value = required(option(input, name, 'string'), name);
  if (!SNOWFLAKE.test(value))
    throw new CommandRefused(`\`${name}\` must be a Discord id, not "${value.slice(0, 40)}".`);
  return value;
}

/** What a slash command should do, decided from its arguments and the caller's permissions alone. */
export function decideCommand(input: CommandInput): Decision {
  const spec = COMMANDS[input.name];
  if (!spec) throw new CommandRefused(`There is no /${input.name} command.`);
  if (!mayRun(spec, input.memberPermissions)) {
    const who =
      spec.access === 'moderator' ? `moderators (${moderatorPermission(spec).name})` : 'administrators';
    throw new CommandRefused(`/${input.name} is for ${who} only.`);
  }
  if (input.name in TOGGLES) return decideToggle(input, TOGGLES[input.name as keyof typeof TOGGLES]);
  switch (input.name) {
    case 'commands':
      return { kind: 'reply', content: listCommands() };
    case 'settings':
      return { kind: 'show', describe: describeSettings };
    case 'privacy':
      return { kind: 'reply', content: PRIVACY_TEXT };
    case 'invite':
      return { kind: 'reply', content: PROJECT_TEXT };
    case 'logchannel': {
      const channel = id(input, 'channel');
      return {
        kind: 'change',
        change: () => ({ punishLogChannelId: channel }),
        describe: () => `Moderation actions will be logged in <#${channel}>.`,
      };
    }
    case 'muteduration': {
      const minutes = required(option(input, 'minutes', 'number'), 'minutes');
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TIMEOUT_MINUTES) {
        throw new CommandRefused(
          `\`minutes\` must be a whole number from 1 to ${MAX_TIMEOUT_MINUTES} (28 days).`,
        );
      }
      return {
        kind: 'change',
        change: () => ({ muteDurationMinute: minutes }),
        describe: () => `Timeouts now last ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      };
    }
    case 'addword':
    case 'removeword':
      return decideWord(input);
    case 'whitelistadd':
    case 'whitelistremove':
      return decideWhitelist(input);
    case 'campaign':
      return { kind: 'campaign' };
    case 'lockdown': {
      const change = decideLockdownChange(input);
      return change ? { kind: 'change', ...change } : { kind: 'lockdown' };
    }
    case 'gate': {
      const change = decideGateChange(input);
      return change ? { kind: 'change', ...change } : { kind: 'gate-status' };
    }
    case 'modsettings':
      return { kind: 'change', ...decideModerationSettings(input) };
    case 'joinmessage':
      return { kind: 'change', ...decideJoinMessage(input) };
    case 'case':
    case 'cases':
      return { kind: 'case' };
    case 'invites':
    case 'leaderboard':
    case 'inviter':
    case 'bonus-invites':
      return { kind: 'invite-count' };
    case 'unmute': {
      const reason = option(input, 'reason', 'string') ?? 'no reason given';
      if (reason.length > 300) throw new CommandRefused('`reason` can be at most 300 characters.');
      return { kind: 'unmute', userId: id(input, 'member'), reason };
    }
    default:
      if (MODERATION_ACTIONS.has(input.name)) return { kind: 'moderation' };
      throw new CommandRefused(`/${input.name} is not handled.`);
  }
}

function listCommands(): string {
  const lines = Object.entries(COMMANDS).map(([name, spec]) => {
    const who = spec.access === 'everyone' ? '' : ` *(${spec.access})*`;
    return `\`/${name}\` ${spec.description}${who}`;
  });
  return `**Chat Guard commands**\n${lines.join('\n')}`;
}

function decideToggle(input: CommandInput, toggle: (typeof TOGGLES)[keyof typeof TOGGLES]): Decision {
  const wanted = option(input, 'enabled', 'boolean');
  return {
    kind: 'change',
    change: (current) => ({ [toggle.field]: wanted ?? !current[toggle.field] }),
    describe: (after) => `${toggle.label} is now **${after[toggle.field] ? 'on' : 'off'}**.`,
  };
}

function decideWord(input: CommandInput): Decision {
  const word = required(option(input, 'word', 'string'), 'word')
    .trim()
    .toLowerCase();
  if (word.length < 1 || word.length > 100) throw new CommandRefused('`word` must be 1 to 100 characters.');
  if (input.name === 'addword') {
    return {
      kind: 'change',
      change: (c) => {
        if (c.filteredWords.includes(word)) throw new CommandRefused(`"${word}" is already banned.`);
        if (c.filteredWords.length >= 500)
          throw new CommandRefused('The list already holds 500 terms; remove one first.');
        return { filteredWords: [...c.filteredWords, word] };
      },
      describe: (after) => `"${word}" is now banned (${after.filteredWords.length} custom terms).`,
    };
  }
  return {
    kind: 'change',
    change: (c) => {
      if (!c.filteredWords.includes(word)) throw new CommandRefused(`"${word}" is not on the list.`);
      return { filteredWords: c.filteredWords.filter((w) => w !== word) };
    },
    describe: () => `"${word}" is no longer banned.`,
  };
}

const WHITELISTS = {
  member: { field: 'whiteListMembers', mention: (v: string) => `<@${v}>` },
  role: { field: 'whiteListRoles', mention: (v: string) => `<@&${v}>` },
  channel: { field: 'whiteListChannels', mention: (v: string) => `<#${v}>` },
} as const;

function decideWhitelist(input: CommandInput): Decision {
  const kind = input.subcommand;
  if (kind !== 'member' && kind !== 'role' && kind !== 'channel') {
    throw new CommandRefused('Say which: `member`, `role` or `channel`.');
  }
  const { field, mention } = WHITELISTS[kind];
  const target = id(input, kind);
  const adding = input.name === 'whitelistadd';
  return {
    kind: 'change',
    change: (c) => {
      const list = c[field];
      if (adding && list.includes(target)) throw new CommandRefused(`${mention(target)} is already exempt.`);
      if (!adding && !list.includes(target)) throw new CommandRefused(`${mention(target)} is not exempt.`);
      return { [field]: adding ? [...list, target] : list.filter((v) => v !== target) };
    },
    describe: () =>
      adding
        ? `${mention(target)} is now exempt from every guard.`
        : `${mention(target)} is no longer exempt.`,
  };
}
