import type { GuildConfig, LockdownSettings } from '@chat-guard/events';
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ChannelType,
} from 'discord-api-types/v10';
import { answerLockdown, type LockdownAnswerDeps } from '../answerLockdown.ts';
import { CommandRefused } from './commandRefused.ts';

const MODES = ['enforce', 'shadow', 'off'] as const;

/** `/lockdown status|lift|mode|alertchannel|webhook`. */
export const LOCKDOWN_OPTIONS: APIApplicationCommandOption[] = [
  {
    type: ApplicationCommandOptionType.Subcommand,
    name: 'status',
    description: 'The lockdown in force, if any',
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
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

/** A settings change a /lockdown subcommand asks for, and its reply; null for status and lift. */
export function decideLockdownChange(request: Pick<LockdownRequest, 'subcommand' | 'options'>): {
  change: (current: GuildConfig) => Partial<GuildConfig>;
  describe: (after: GuildConfig) => string;
} | null {
  const set = (patch: Partial<LockdownSettings>) => (c: GuildConfig) => ({
    lockdown: { ...c.lockdown, ...patch },
  });
  const value = (name: string) => {
    const v = request.options[name];
    if (typeof v !== 'string' || v.trim() === '') throw new CommandRefused(`\`${name}\` is required.`);
    return v.trim();
  };
  switch (request.subcommand) {
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
      };
    }
    default:
      throw new CommandRefused('Say which: `status`, `lift`, `mode`, `alertchannel` or `webhook`.');
  }
}

const MODE_TEXT: Record<LockdownSettings['mode'], string> = {
  enforce: 'Lockdowns are **enforced**: a raid locks the server down and alerts you.',
  shadow: 'Lockdowns are in **shadow** mode: raids are scored and alerted, nothing is changed on Discord.',
  off: 'Lockdowns are **off**: the raid detector is ignored.',
};

function httpOrigin(url: string): string {
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
  const active = await deps.db
    .selectFrom('lockdown')
    .selectAll()
    .where('guild_id', '=', request.guildId)
    .where('status', '<>', 'lifted')
    .executeTakeFirst();
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
  const hold = active.hold_until ? ` · held until ${time(active.hold_until, 'f')}` : '';
  return [
    `**Lockdown in force${active.shadow ? ' (shadow: nothing changed on Discord)' : ''}** since ${time(active.started_at, 'f')} (${time(active.started_at, 'R')})`,
    `Raid score ${active.score.toFixed(2)} · ${active.quarantined.length} quarantined${hold}`,
    ...active.reasons.map((r) => `• ${r}`),
    profile,
  ].join('\n');
}
