import { activeLockdownOf } from '@chat-guard/enforcer/lockdowns';
import { type GuildConfig, type LockdownSettings, MAX_TIMEOUT_MINUTES } from '@chat-guard/events';
import { WEBHOOK_URL_MAX_LENGTH } from '@chat-guard/outbound';
import {
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ChannelType,
} from 'discord-api-types/v10';
import { answerLockdown, type LockdownAnswerDeps } from '../answerLockdown.ts';
import { CommandRefused } from './commandRefused.ts';
import { decideProfileChange, describeProfile, VERIFICATION_LEVELS } from './lockdownProfile.ts';
import { startLockdownByHand } from './startLockdownByHand.ts';

const MODES = ['enforce', 'shadow', 'off'] as const;

const profileStep = (
  name: string,
  description: string,
  options: APIApplicationCommandOption[] = [],
): APIApplicationCommandSubcommandOption =>
  ({
    type: ApplicationCommandOptionType.Subcommand,
    name,
    description,
    options,
  }) as APIApplicationCommandSubcommandOption;
const enabledOption: APIApplicationCommandOption = {
  type: ApplicationCommandOptionType.Boolean,
  name: 'enabled',
  description: 'On or off',
  required: true,
};

/** `/lockdown profile …`: every step of the profile, one subcommand each. */
const PROFILE_OPTIONS: APIApplicationCommandSubcommandOption[] = [
  profileStep('show', 'What a lockdown does here, step by step'),
  profileStep('invites', 'Pause invites (incident actions)', [enabledOption]),
  profileStep('dms', 'Pause DMs between members who are not friends (incident actions)', [enabledOption]),
  profileStep('verification', 'Raise the verification level to', [
    {
      type: ApplicationCommandOptionType.String,
      name: 'level',
      description: 'off leaves it alone',
      required: true,
      choices: Object.keys(VERIFICATION_LEVELS).map((l) => ({ name: l, value: l })),
    },
  ]),
  profileStep('slowmode', 'Slowmode in the lockdown channels (0: leave it alone)', [
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'seconds',
      description: '0 to 21600',
      required: true,
      min_value: 0,
      max_value: 21_600,
    },
  ]),
  profileStep('channels', 'The channels slowmode and the send ban cover (none: every public text channel)', [
    {
      type: ApplicationCommandOptionType.String,
      name: 'action',
      description: 'add, remove or clear',
      required: true,
      choices: ['add', 'remove', 'clear'].map((a) => ({ name: a, value: a })),
    },
    {
      type: ApplicationCommandOptionType.Channel,
      name: 'channel',
      description: 'The channel (for add and remove)',
      channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
    },
  ]),
  profileStep('denysend', 'Deny @everyone Send Messages, at a high enough raid score', [
    enabledOption,
    {
      type: ApplicationCommandOptionType.Number,
      name: 'min_score',
      description: 'Only at or above this score, 0 to 1 (default 0.9)',
      min_value: 0,
      max_value: 1,
    },
  ]),
  profileStep('quarantine', 'Time out the accounts that joined in the two minutes before', [
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'minutes',
      description: `0 (no quarantine) to ${MAX_TIMEOUT_MINUTES}`,
      required: true,
      min_value: 0,
      max_value: MAX_TIMEOUT_MINUTES,
    },
  ]),
];

/** `/lockdown start|status|lift|profile …|mode|alertchannel|webhook`. */
export const LOCKDOWN_OPTIONS: APIApplicationCommandOption[] = [
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'start',
    description: 'Lock the server down now, with the profile (held until an admin lifts it)',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'reason',
        description: 'Why (shown in the alert)',
        max_length: 150,
      },
    ],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'status',
    description: 'The lockdown in force, if any',
  },
  {
    type: ApplicationCommandOptionType.SubcommandGroup,
    name: 'profile',
    description: 'What a lockdown does, step by step',
    options: PROFILE_OPTIONS,
  },
  { type: ApplicationCommandOptionType.Subcommand, name: 'lift', description: 'Lift the lockdown in force' },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'mode',
    description: 'Enforce lockdowns, only alert (shadow), or ignore the raid detector',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'mode',
        description: 'enforce, shadow or off',
        required: true,
        choices: MODES.map((m) => ({ name: m, value: m })),
      },
    ],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'alertchannel',
    description: 'Where raid alerts are posted',
    options: [
      {
        type: ApplicationCommandOptionType.Channel,
        name: 'channel',
        description: 'The alert channel',
        required: true,
        channel_types: [ChannelType.GuildText],
      },
    ],
  },
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'webhook',
    description: 'An on-call URL each alert is POSTed to (signed), or none',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'url',
        description: 'https://… or none',
        required: true,
        max_length: 500,
      },
    ],
  },
];

export interface LockdownRequest {
  readonly guildId: string;
  readonly userId: string;
  readonly interactionId: string;
  /** `profile` for `/lockdown profile …`. */
  readonly group?: string | null;
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

/** A settings change a /lockdown subcommand asks for, and its reply; null for start, status, lift and profile show. */
export function decideLockdownChange(request: Pick<LockdownRequest, 'group' | 'subcommand' | 'options'>): {
  change: (current: GuildConfig) => Partial<GuildConfig>;
  describe: (after: GuildConfig) => string;
  webhookUrl?: string;
} | null {
  if (request.group === 'profile') return decideProfileChange(request);
  const set = (patch: Partial<LockdownSettings>) => (c: GuildConfig) => ({
    lockdown: { ...c.lockdown, ...patch },
  });
  const value = (name: string) => {
    const v = request.options[name];
    if (typeof v !== 'string' || v.trim() === '') throw new CommandRefused(`\`${name}\` is required.`);
    return v.trim();
  };
  switch (request.subcommand) {
    case 'start':
    case 'status':
    case 'lift':
      return null;
    case 'mode': {
      const mode = MODES.find((m) => m === value('mode').toLowerCase());
      if (!mode) throw new CommandRefused('`mode` must be `enforce`, `shadow` or `off`.');
      return { change: set({ mode }), describe: () => MODE_TEXT[mode] };
    }
    case 'alertchannel': {
      const channel = value('channel');
      if (!/^\d{1,20}$/.test(channel)) throw new CommandRefused('`channel` must be a channel.');
      return {
        change: set({ alertChannelId: channel }),
        describe: () => `Raid alerts will be posted in <#${channel}>.`,
      };
    }
    case 'webhook': {
      const url = value('url');
      if (url.toLowerCase() === 'none')
        return { change: set({ webhookUrl: null }), describe: () => 'Raid alerts go to no webhook.' };
      const origin = httpOrigin(url);
      return {
        change: set({ webhookUrl: url }),
        describe: () => `Raid alerts will also be POSTed, signed, to ${origin}/….`,
        webhookUrl: url,
      };
    }
    default:
      throw new CommandRefused(
        'Say which: `start`, `status`, `lift`, `profile`, `mode`, `alertchannel` or `webhook`.',
      );
  }
}

const MODE_TEXT: Record<LockdownSettings['mode'], string> = {
  enforce: 'Lockdowns are **enforced**: a raid locks the server down and alerts you.',
  shadow: 'Lockdowns are in **shadow** mode: raids are scored and alerted, nothing is changed on Discord.',
  off: 'Lockdowns are **off**: the raid detector is ignored.',
};

function httpOrigin(url: string): string {
  if (url.length > WEBHOOK_URL_MAX_LENGTH)
    throw new CommandRefused(`\`url\` must be at most ${WEBHOOK_URL_MAX_LENGTH} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandRefused('`url` must be an http:// or https:// address, or `none`.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new CommandRefused('`url` must be an http:// or https:// address, or `none`.');
  return parsed.origin;
}

const time = (at: Date, style: 'f' | 'R') => `<t:${Math.floor(at.getTime() / 1000)}:${style}>`;

/** `/lockdown status` and `/lockdown lift`, which read the lockdown in force. */
export async function runLockdownQuery(
  deps: LockdownAnswerDeps & { readonly config: (guildId: string) => GuildConfig },
  request: LockdownRequest,
): Promise<string> {
  const active = await activeLockdownOf(deps.db, request.guildId);
  if (request.group === 'profile') return describeProfile(deps.config(request.guildId).lockdown);
  if (request.subcommand === 'start') {
    if (active)
      return `A lockdown is in force already, since ${time(active.started_at, 'f')}: \`/lockdown status\` shows it.`;
    return startLockdownByHand(deps, request);
  }
  if (request.subcommand === 'lift') {
    if (!active) return 'No lockdown is in force; nothing to lift.';
    return answerLockdown(deps, {
      guildId: request.guildId,
      lockdownId: active.id,
      answer: 'lift',
      moderatorId: request.userId,
      requestId: request.interactionId,
    });
  }
  const settings = deps.config(request.guildId).lockdown;
  const profile = `Mode: **${settings.mode}** · alerts in ${
    settings.alertChannelId ? `<#${settings.alertChannelId}>` : 'the log channel'
  } · webhook ${settings.webhookUrl ? 'set' : 'not set'}`;
  if (!active) return `No lockdown is in force.\n${profile}`;
  const hold = active.started_by
    ? ` · started by <@${active.started_by}>, held until an admin lifts it`
    : active.hold_until
      ? ` · held until ${time(active.hold_until, 'f')}`
      : '';
  return [
    `**Lockdown in force${active.shadow ? ' (shadow: nothing changed on Discord)' : ''}** since ${time(active.started_at, 'f')} (${time(active.started_at, 'R')})`,
    `Raid score ${active.score.toFixed(2)} · ${active.quarantined.length} quarantined${hold}`,
    ...active.reasons.map((r) => `• ${r}`),
    profile,
  ].join('\n');
}
