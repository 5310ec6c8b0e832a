import type { GuildConfig, InviteCountSettings, ModerationSettings } from '@chat-guard/events';
import { CommandRefused } from './commandRefused.ts';

/** A settings change and the words of its reply. */
export interface SettingsChange {
  readonly change: (current: GuildConfig) => Partial<GuildConfig>;
  readonly describe: (after: GuildConfig) => string;
}

interface Input {
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

function flag(input: Input): boolean {
  const value = input.options.enabled;
  if (typeof value !== 'boolean') throw new CommandRefused('`enabled` must be true or false.');
  return value;
}

function channel(input: Input): string {
  const value = input.options.channel;
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value))
    throw new CommandRefused('`channel` must be a channel.');
  return value;
}

const onOff = (v: boolean) => (v ? 'on' : 'off');

/** `/modsettings dm|countmanual|appealchannel|appealsoff|appealcooldown|appealreset`. */
export function decideModerationSettings(input: Input): SettingsChange {
  const set = (patch: Partial<ModerationSettings>) => (c: GuildConfig) => ({
    moderation: { ...c.moderation, ...patch },
  });
  switch (input.subcommand) {
    case 'dm': {
      const dmMembers = flag(input);
      return {
        change: set({ dmMembers }),
        describe: () =>
          `Members are ${dmMembers ? 'now' : 'no longer'} told by DM about warnings, timeouts, kicks and bans.`,
      };
    }
    case 'countmanual': {
      const manualCasesCount = flag(input);
      return {
        change: set({ manualCasesCount }),
        describe: () =>
          `Moderators' warnings and timeouts ${manualCasesCount ? 'now count' : 'no longer count'} towards the escalation.`,
      };
    }
    case 'appealchannel': {
      const appealChannelId = channel(input);
      return {
        change: set({ appealChannelId }),
        describe: () =>
          `Appeals are on: timeouts, kicks and bans carry an Appeal button, and appeals are posted in <#${appealChannelId}>.`,
      };
    }
    case 'appealsoff':
      return { change: set({ appealChannelId: null }), describe: () => 'Appeals are off.' };
    case 'appealcooldown': {
      const hours = input.options.hours;
      if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 0 || hours > 720)
        throw new CommandRefused('`hours` must be a whole number from 0 to 720.');
      return {
        change: set({ appealCooldownHours: hours }),
        describe: () => `A member may appeal once every ${hours} hour${hours === 1 ? '' : 's'}.`,
      };
    }
    case 'appealreset': {
      const appealResetsCount = flag(input);
      return {
        change: set({ appealResetsCount }),
        describe: () =>
          `An accepted appeal ${appealResetsCount ? 'also resets' : 'no longer resets'} the member's violation count.`,
      };
    }
    default:
      throw new CommandRefused(
        'Say which: `dm`, `countmanual`, `appealchannel`, `appealsoff`, `appealcooldown` or `appealreset`.',
      );
  }
}

/** `/joinmessage channel|off`. */
export function decideJoinMessage(input: Input): SettingsChange {
  const set = (patch: Partial<InviteCountSettings>) => (c: GuildConfig) => ({
    inviteCounts: { ...c.inviteCounts, ...patch },
  });
  if (input.subcommand === 'channel') {
    const joinMessageChannelId = channel(input);
    return {
      change: set({ joinMessageChannelId }),
      describe: () =>
        `Joins will be announced in <#${joinMessageChannelId}>: "X joined, invited by Y (N invites)".`,
    };
  }
  if (input.subcommand === 'off')
    return { change: set({ joinMessageChannelId: null }), describe: () => 'Join messages are off.' };
  throw new CommandRefused('Say which: `channel` or `off`.');
}

/** The moderation lines of /settings. */
export function describeModeration(c: GuildConfig): string[] {
  const m = c.moderation;
  return [
    `Moderation: DMs ${onOff(m.dmMembers)} · manual warnings count ${onOff(m.manualCasesCount)} · appeals ${
      m.appealChannelId
        ? `in <#${m.appealChannelId}> (every ${m.appealCooldownHours} h, reset ${onOff(m.appealResetsCount)})`
        : 'off'
    }`,
    `Join messages: ${c.inviteCounts.joinMessageChannelId ? `<#${c.inviteCounts.joinMessageChannelId}>` : 'off'}`,
  ];
}
