import type { GuildConfig, LockdownSettings } from '@chat-guard/events';
import { CommandRefused } from './commandRefused.ts';

/** The verification levels a lockdown may raise to, by name; `off` leaves the level alone. */
export const VERIFICATION_LEVELS = { off: null, low: 1, medium: 2, high: 3, highest: 4 } as const;

const LEVEL_NAMES = ['none', 'low', 'medium', 'high', 'highest'];
const onOff = (v: boolean) => (v ? 'on' : 'off');

interface Input {
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

function enabled(input: Input): boolean {
  const value = input.options.enabled;
  if (typeof value !== 'boolean') throw new CommandRefused('`enabled` must be true or false.');
  return value;
}

function whole(input: Input, name: string, max: number): number {
  const value = input.options[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new CommandRefused(`\`${name}\` must be a whole number from 0 to ${max}.`);
  return value;
}

/** The profile's steps in the order a lockdown takes them, as an admin reads them. */
export function describeProfile(s: LockdownSettings): string {
  const where =
    s.channels.length > 0 ? s.channels.map((c) => `<#${c}>`).join(', ') : 'every public text channel';
  return [
    '**Lockdown profile** (least disruptive first)',
    `1. Invites paused: ${onOff(s.pauseInvites)} · DMs paused: ${onOff(s.pauseDms)}`,
    `2. Verification level: ${s.verificationLevel === null ? 'left alone' : `raised to ${LEVEL_NAMES[s.verificationLevel]}`}`,
    `3. Slowmode: ${s.slowmodeSeconds > 0 ? `${s.slowmodeSeconds} s` : 'off'} in ${where}`,
    `4. Send Messages denied to @everyone: ${s.denySend ? `at a raid score of ${s.denySendMinScore.toFixed(2)} or more (always for /lockdown start)` : 'off'}`,
    `5. Quarantine of the accounts that joined in the two minutes before (and newcomers posting spam): ${s.quarantineMinutes > 0 ? `${s.quarantineMinutes} min timeout` : 'off'}`,
  ].join('\n');
}

/** A `/lockdown profile …` change; null for `show`. */
export function decideProfileChange(input: Input): {
  change: (current: GuildConfig) => Partial<GuildConfig>;
  describe: (after: GuildConfig) => string;
} | null {
  const set =
    (patch: (current: LockdownSettings) => Partial<LockdownSettings>) =>
    (c: GuildConfig): Partial<GuildConfig> => ({ lockdown: { ...c.lockdown, ...patch(c.lockdown) } });
  const shown = (after: GuildConfig) => describeProfile(after.lockdown);
  switch (input.subcommand) {
    case 'show':
      return null;
    case 'invites': {
      const pauseInvites = enabled(input);
      return { change: set(() => ({ pauseInvites })), describe: shown };
    }
    case 'dms': {
      const pauseDms = enabled(input);
      return { change: set(() => ({ pauseDms })), describe: shown };
    }
    case 'verification': {
      const name = String(input.options.level ?? '').toLowerCase();
      if (!(name in VERIFICATION_LEVELS))
        throw new CommandRefused('`level` must be `off`, `low`, `medium`, `high` or `highest`.');
      const verificationLevel = VERIFICATION_LEVELS[name as keyof typeof VERIFICATION_LEVELS];
      return { change: set(() => ({ verificationLevel })), describe: shown };
    }
    case 'slowmode': {
      const slowmodeSeconds = whole(input, 'seconds', 21_600);
      return { change: set(() => ({ slowmodeSeconds })), describe: shown };
    }
    case 'channels': {
      const action = input.options.action;
      if (action === 'clear') return { change: set(() => ({ channels: [] })), describe: shown };
      const channel = input.options.channel;
      if (typeof channel !== 'string' || !/^\d{1,20}$/.test(channel))
        throw new CommandRefused('`channel` is required to add or remove a channel.');
      if (action === 'add')
        return {
          change: set((c) => {
            if (c.channels.includes(channel))
              throw new CommandRefused(`<#${channel}> is in the profile already.`);
            return { channels: [...c.channels, channel] };
          }),
          describe: shown,
        };
      if (action === 'remove')
        return {
          change: set((c) => {
            if (!c.channels.includes(channel))
              throw new CommandRefused(`<#${channel}> is not in the profile.`);
            return { channels: c.channels.filter((id) => id !== channel) };
          }),
          describe: shown,
        };
      throw new CommandRefused('`action` must be `add`, `remove` or `clear`.');
    }
    case 'denysend': {
      const denySend = enabled(input);
      const score = input.options.min_score;
      if (score !== undefined && (typeof score !== 'number' || score < 0 || score > 1))
        throw new CommandRefused('`min_score` must be a number from 0 to 1.');
      return {
        change: set(() => ({ denySend, ...(score === undefined ? {} : { denySendMinScore: score }) })),
        describe: shown,
      };
    }
    case 'quarantine': {
      const quarantineMinutes = whole(input, 'minutes', 40_320);
      return { change: set(() => ({ quarantineMinutes })), describe: shown };
    }
    default:
      throw new CommandRefused(
        'Say which: `show`, `invites`, `dms`, `verification`, `slowmode`, `channels`, `denysend` or `quarantine`.',
      );
  }
}
