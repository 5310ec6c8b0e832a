import type { GateSettings, GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import { gateStatus } from '@chat-guard/verifier';
import {
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType as Opt,
} from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import { CommandRefused } from './commandRefused.ts';

const sub = (
  name: string,
  description: string,
  options: APIApplicationCommandOption[] = [],
): APIApplicationCommandSubcommandOption =>
  ({ type: Opt.Subcommand, name, description, options }) as APIApplicationCommandSubcommandOption;
const integer = (
  name: string,
  description: string,
  min: number,
  max: number,
): APIApplicationCommandOption => ({
  type: Opt.Integer,
  name,
  description,
  required: true,
  min_value: min,
  max_value: max,
});
const enabled: APIApplicationCommandOption = {
  type: Opt.Boolean,
  name: 'enabled',
  description: 'On or off',
  required: true,
};

/** `/gate …`: the member gate's mode, its failure handling, its entry checks, and its status. */
export const GATE_OPTIONS: APIApplicationCommandSubcommandOption[] = [
  sub('status', 'The gate: mode, setup problems, raid gate, and its numbers'),
  sub('mode', 'Who must verify: nobody, everyone, during raids, or those the entry checks flag', [
    {
      type: Opt.String,
      name: 'mode',
      description: 'off, always, on-alert (default) or rules',
      required: true,
      choices: ['off', 'always', 'on-alert', 'rules'].map((m) => ({ name: m, value: m })),
    },
  ]),
  sub('failure', 'What failing or timing out does', [
    {
      type: Opt.String,
      name: 'action',
      description: 'kick, or keep the account Unverified',
      required: true,
      choices: ['kick', 'keep'].map((a) => ({ name: a, value: a })),
    },
  ]),
  sub('attempts', 'Wrong answers allowed', [integer('count', '1 to 10', 1, 10)]),
  sub('timeout', 'Minutes a gated member has to pass', [integer('minutes', '2 to 10080', 2, 10_080)]),
  sub('passrole', 'Add (or, if there, remove) a role given on passing', [
    { type: Opt.Role, name: 'role', description: 'The role', required: true },
  ]),
  sub('accountage', 'Flag accounts younger than this many days (0: off)', [
    integer('days', '0 to 365', 0, 365),
  ]),
  sub('defaultavatar', 'Flag accounts with Discord’s default avatar', [enabled]),
  sub('namepattern', 'Add (or, if there, remove) a name pattern that flags (a regular expression)', [
    { type: Opt.String, name: 'pattern', description: 'e.g. ^free.?nitro', required: true, max_length: 200 },
  ]),
  sub('seeninraid', 'Flag accounts gated in a raid or failing the gate in any guild here', [enabled]),
  sub('altlimit', 'Flag this many accounts verifying from one address (0: off, else 2 to 20)', [
    integer('count', '0, or 2 to 20', 0, 20),
  ]),
  sub('altwindow', 'Days an address hash is kept for that check', [integer('days', '1 to 90', 1, 90)]),
];

interface Input {
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

export interface GateChange {
  readonly change: (current: GuildConfig) => Partial<GuildConfig>;
  readonly describe: (after: GuildConfig) => string;
}

function value<T extends 'string' | 'number' | 'boolean'>(input: Input, name: string, type: T) {
  const v = input.options[name];
  if (typeof v !== type) throw new CommandRefused(`\`${name}\` must be a ${type}.`);
  return v as T extends 'string' ? string : T extends 'number' ? number : boolean;
}

const set =
  (patch: (gate: GateSettings) => Partial<GateSettings>) =>
  (c: GuildConfig): Partial<GuildConfig> => ({ gate: { ...c.gate, ...patch(c.gate) } });
const checks =
  (patch: (gate: GateSettings) => Partial<GateSettings['entryChecks']>) =>
  (c: GuildConfig): Partial<GuildConfig> => ({
    gate: { ...c.gate, entryChecks: { ...c.gate.entryChecks, ...patch(c.gate) } },
  });
const toggle = (list: readonly string[], item: string) =>
  list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

/** A `/gate` settings change (validated by the guild config schema when applied), or null for `status`. */
export function decideGateChange(input: Input): GateChange | null {
  switch (input.subcommand) {
    case 'status':
      return null;
    case 'mode': {
      const mode = value(input, 'mode', 'string') as GateSettings['mode'];
      return { change: set(() => ({ mode })), describe: (a) => `The member gate is now **${a.gate.mode}**.` };
    }
    case 'failure': {
      const failureAction = value(input, 'action', 'string') as GateSettings['failureAction'];
      return {
        change: set(() => ({ failureAction })),
        describe: (a) =>
          a.gate.failureAction === 'kick'
            ? 'Members who fail are now kicked.'
            : 'Members who fail now stay Unverified.',
      };
    }
    case 'attempts': {
      const maxAttempts = value(input, 'count', 'number');
      return {
        change: set(() => ({ maxAttempts })),
        describe: (a) => `Members get ${a.gate.maxAttempts} attempts.`,
      };
    }
    case 'timeout': {
      const timeoutMinutes = value(input, 'minutes', 'number');
      return {
        change: set(() => ({ timeoutMinutes })),
        describe: (a) => `Gated members have ${a.gate.timeoutMinutes} minutes to pass.`,
      };
    }
    case 'passrole': {
      const role = value(input, 'role', 'string');
      return {
        change: set((g) => ({ passRoleIds: toggle(g.passRoleIds, role) })),
        describe: (a) =>
          a.gate.passRoleIds.includes(role)
            ? `Members who pass get <@&${role}>.`
            : `Members who pass no longer get <@&${role}>.`,
      };
    }
    case 'accountage': {
      const minAccountAgeDays = value(input, 'days', 'number');
      return {
        change: checks(() => ({ minAccountAgeDays })),
        describe: (a) =>
          a.gate.entryChecks.minAccountAgeDays === 0
            ? 'Account age is no longer checked.'
            : `Accounts younger than ${a.gate.entryChecks.minAccountAgeDays} days are flagged.`,
      };
    }
    case 'defaultavatar': {
      const defaultAvatar = value(input, 'enabled', 'boolean');
      return {
        change: checks(() => ({ defaultAvatar })),
        describe: () => `Default avatars are ${defaultAvatar ? 'now' : 'no longer'} flagged.`,
      };
    }
    case 'namepattern': {
      const pattern = value(input, 'pattern', 'string');
      return {
        change: checks((g) => ({ namePatterns: toggle(g.entryChecks.namePatterns, pattern) })),
        describe: (a) =>
          a.gate.entryChecks.namePatterns.includes(pattern)
            ? `Names matching \`${pattern}\` are flagged.`
            : `\`${pattern}\` is no longer a name pattern.`,
      };
    }
    case 'seeninraid': {
      const seenInRaid = value(input, 'enabled', 'boolean');
      return {
        change: checks(() => ({ seenInRaid })),
        describe: () => `Accounts seen in a raid are ${seenInRaid ? 'now' : 'no longer'} flagged.`,
      };
    }
    case 'altlimit': {
      const altAccountLimit = value(input, 'count', 'number');
      return {
        change: set(() => ({ altAccountLimit })),
        describe: (a) =>
          a.gate.altAccountLimit === 0
            ? 'Accounts sharing an address are no longer flagged.'
            : `${a.gate.altAccountLimit} accounts verifying from one address are flagged.`,
      };
    }
    case 'altwindow': {
      const altWindowDays = value(input, 'days', 'number');
      return {
        change: set(() => ({ altWindowDays })),
        describe: (a) => `Address hashes are kept ${a.gate.altWindowDays} days.`,
      };
    }
    default:
      throw new CommandRefused(
        'Say which: `status`, `mode`, `failure`, `attempts`, `timeout`, `passrole`, …',
      );
  }
}

/** `/gate status`: the settings, whether the bot could set the gate up, the raid gate, the numbers. */
export async function describeGateStatus(
  db: Kysely<Database>,
  guildId: string,
  config: GuildConfig,
): Promise<string> {
  const status = await gateStatus(db, guildId);
  const gate = config.gate;
  const seconds = (s: number | null) =>
    s === null ? '–' : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
  return [
    `**Member gate: ${gate.mode}**${status.raidGateId ? ' · a raid gate holds now: newcomers are gated' : ''}`,
    status.setupError ? `⚠️ **Problem:** ${status.setupError}` : null,
    status.roleId
      ? `Role <@&${status.roleId}>, channel <#${status.channelId}>.`
      : 'Not set up yet (done at the first gated join).',
    `On failure: ${gate.failureAction} · ${gate.maxAttempts} attempts · ${gate.timeoutMinutes} min to pass.`,
    `Last 30 days: joined ${status.joined}, gated ${status.gated}, passed ${status.passed}, failed ${status.failed}, expired ${status.expired}, waiting ${status.pending}; drop-off ${status.dropOff}.`,
    `Time to pass: median ${seconds(status.medianPassSeconds)}, p90 ${seconds(status.p90PassSeconds)}.`,
  ]
    .filter((line) => line !== null)
    .join('\n');
}
