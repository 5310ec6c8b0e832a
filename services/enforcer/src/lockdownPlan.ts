import type { ChannelState, GuildLockdownState } from '@chat-guard/discord';
import type { LockdownSettings } from '@chat-guard/events';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';

/** The @everyone overwrite of a channel as it was, or null when it had none. */
export interface EveryoneOverwrite {
  readonly allow: string;
  readonly deny: string;
}

export interface ChannelBefore {
  readonly id: string;
  readonly name: string;
  readonly rateLimitPerUser: number;
  readonly everyone: EveryoneOverwrite | null;
}

/**
 * What a lockdown found before it changed anything: what a lift puts back (stored once in
 * `lockdown.prior_state`), plus the request's numbers the later alerts repeat.
 */
export interface PriorState {
  readonly verificationLevel: number;
  readonly invitesDisabledUntil: number | null;
  readonly dmsDisabledUntil: number | null;
  /** The lockdown's channels, chosen when the snapshot was taken. */
  readonly channels: readonly ChannelBefore[];
  readonly alert: {
    readonly joinsLastMinute: number;
    readonly topInvite: { readonly code: string; readonly share: number } | null;
  };
}

/** The changes a lockdown makes, worked out from the snapshot, the profile and the score. */
export interface LockdownPlan {
  /** The level to raise verification to, or null when it stays (never lowered). */
  readonly verificationLevel: number | null;
  readonly pauseInvites: boolean;
  /** Pause DMs between members who are not friends (incident actions), restored on lift. */
  readonly pauseDms: boolean;
  readonly slowmode: readonly { readonly channel: ChannelBefore; readonly seconds: number }[];
  readonly denySend: readonly { readonly channel: ChannelBefore; readonly overwrite: EveryoneOverwrite }[];
  /** Why Send Messages stays open although the profile asks for it (score under its bar), or null. */
  readonly denySendHeldBack: string | null;
  readonly quarantineMinutes: number;
}

const TEXT_CHANNELS: readonly ChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];
const SEND = PermissionFlagsBits.SendMessages;
const VIEW = PermissionFlagsBits.ViewChannel;

/**
 * The channels a lockdown covers: the profile's list, or else every text channel @everyone
 * can see, except the alert channel (staff channels stay writable for the staff and the bot).
 */
export function lockdownChannels(
  settings: LockdownSettings,
  guildId: string,
  channels: readonly ChannelState[],
): ChannelState[] {
  const text = channels.filter((c) => TEXT_CHANNELS.includes(c.type));
  if (settings.channels.length > 0) return text.filter((c) => settings.channels.includes(c.id));
  return text.filter((c) => {
    const everyone = c.overwrites.find((o) => o.id === guildId);
    const hidden = everyone !== undefined && (BigInt(everyone.deny) & VIEW) !== 0n;
    return !hidden && c.id !== settings.alertChannelId;
  });
}

/** The snapshot to store before the first change. */
export function snapshotPriorState(
  guildId: string,
  guild: GuildLockdownState,
  channels: readonly ChannelState[],
  alert: PriorState['alert'],
): PriorState {
  return {
    verificationLevel: guild.verificationLevel,
    invitesDisabledUntil: guild.invitesDisabledUntil,
    dmsDisabledUntil: guild.dmsDisabledUntil,
    channels: channels.map((c) => {
      const everyone = c.overwrites.find((o) => o.id === guildId);
      return {
        id: c.id,
        name: c.name,
        rateLimitPerUser: c.rateLimitPerUser,
        everyone: everyone ? { allow: everyone.allow, deny: everyone.deny } : null,
      };
    }),
    alert,
  };
}

/** The @everyone overwrite with Send Messages denied and every other bit kept. */
export function withSendDenied(before: EveryoneOverwrite | null): EveryoneOverwrite {
  const allow = BigInt(before?.allow ?? '0') & ~SEND;
  const deny = BigInt(before?.deny ?? '0') | SEND;
  return { allow: allow.toString(), deny: deny.toString() };
}

/** The graduated profile: only raises what is lower, and denies sending only at a high score. */
export function planLockdown(prior: PriorState, settings: LockdownSettings, score: number): LockdownPlan {
  const level = settings.verificationLevel;
  const sendAllowed = (c: ChannelBefore) =>
    c.everyone === null ||
    (BigInt(c.everyone.deny) & SEND) === 0n ||
    (BigInt(c.everyone.allow) & SEND) !== 0n;
  const denyAtScore = settings.denySend && score >= settings.denySendMinScore;
  return {
    verificationLevel: level !== null && level > prior.verificationLevel ? level : null,
    pauseInvites: settings.pauseInvites,
    pauseDms: settings.pauseDms,
    slowmode:
      settings.slowmodeSeconds > 0
        ? prior.channels
            .filter((c) => c.rateLimitPerUser < settings.slowmodeSeconds)
            .map((channel) => ({ channel, seconds: settings.slowmodeSeconds }))
        : [],
    denySend: denyAtScore
      ? prior.channels
          .filter(sendAllowed)
          .map((channel) => ({ channel, overwrite: withSendDenied(channel.everyone) }))
      : [],
    denySendHeldBack:
      settings.denySend && !denyAtScore
        ? `send messages left open (score ${score.toFixed(2)} < ${settings.denySendMinScore.toFixed(2)})`
        : null,
    quarantineMinutes: settings.quarantineMinutes,
  };
}
