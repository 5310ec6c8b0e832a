import {
  lockdownChannels,
  type PriorState,
  planLockdown,
  shortReason,
  withSendDenied,
} from '@chat-guard/enforcer';
import { defaultGuildConfig, type LockdownSettings } from '@chat-guard/events';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';

const GUILD = '1100000000000000001';
const SEND = PermissionFlagsBits.SendMessages;
const settings = (change: Partial<LockdownSettings> = {}): LockdownSettings => ({
  ...defaultGuildConfig().lockdown,
  ...change,
});

const prior: PriorState = {
  verificationLevel: 1,
  invitesDisabledUntil: null,
  dmsDisabledUntil: null,
  channels: [
    { id: '1', name: 'general', rateLimitPerUser: 0, everyone: null },
    { id: '2', name: 'slow', rateLimitPerUser: 60, everyone: { allow: '0', deny: SEND.toString() } },
  ],
  alert: { joinsLastMinute: 40, topInvite: null },
};

describe('the lockdown profile', () => {
  it.each([
    { name: 'raises a lower verification level', level: 3, before: 1, expected: 3 },
    { name: 'never lowers a higher one', level: 2, before: 4, expected: null },
    { name: 'leaves an equal one alone', level: 3, before: 3, expected: null },
    { name: 'leaves it alone when the profile says null', level: null, before: 1, expected: null },
  ])('$name', ({ level, before, expected }) => {
    const plan = planLockdown(
      { ...prior, verificationLevel: before },
      settings({ verificationLevel: level }),
      0.95,
    );
    expect(plan.verificationLevel).toBe(expected);
  });

  it('slows only the channels slower than the profile asks', () => {
    const plan = planLockdown(prior, settings({ slowmodeSeconds: 30 }), 0.95);
    expect(plan.slowmode.map((s) => [s.channel.id, s.seconds])).toEqual([['1', 30]]);
    expect(planLockdown(prior, settings({ slowmodeSeconds: 0 }), 0.95).slowmode).toEqual([]);
  });

  it('denies sending only at or above its score, and only where sending is allowed', () => {
    const high = planLockdown(prior, settings({ denySendMinScore: 0.9 }), 0.9);
    expect(high.denySend.map((d) => d.channel.id)).toEqual(['1']);
    expect(high.denySendHeldBack).toBeNull();
    const low = planLockdown(prior, settings({ denySendMinScore: 0.9 }), 0.85);
    expect(low.denySend).toEqual([]);
    expect(low.denySendHeldBack).toMatch(/0\.85 < 0\.90/);
  });

  it('merges the send ban into an existing @everyone overwrite and keeps its other bits', () => {
    const allow = PermissionFlagsBits.AddReactions | SEND;
    const deny = PermissionFlagsBits.EmbedLinks;
    const merged = withSendDenied({ allow: allow.toString(), deny: deny.toString() });
    expect(BigInt(merged.allow)).toBe(PermissionFlagsBits.AddReactions);
    expect(BigInt(merged.deny)).toBe(PermissionFlagsBits.EmbedLinks | SEND);
    expect(withSendDenied(null)).toEqual({ allow: '0', deny: SEND.toString() });
  });

  it('covers every text channel @everyone can see, except the alert channel, unless channels are listed', () => {
    const hidden = {
      id: GUILD,
      type: 0 as const,
      allow: '0',
      deny: PermissionFlagsBits.ViewChannel.toString(),
    };
    const channels = [
      { id: '1', type: ChannelType.GuildText, name: 'general', rateLimitPerUser: 0, overwrites: [] },
      { id: '2', type: ChannelType.GuildText, name: 'mod-log', rateLimitPerUser: 0, overwrites: [hidden] },
      { id: '3', type: ChannelType.GuildText, name: 'alerts', rateLimitPerUser: 0, overwrites: [] },
      { id: '4', type: ChannelType.GuildVoice, name: 'voice', rateLimitPerUser: 0, overwrites: [] },
    ];
    const ids = (s: LockdownSettings) => lockdownChannels(s, GUILD, channels).map((c) => c.id);
    expect(ids(settings({ alertChannelId: '3' }))).toEqual(['1']);
    expect(ids(settings({ channels: ['2', '4'] }))).toEqual(['2']);
  });

  it("keeps Discord's words of a refusal", () => {
    expect(shortReason('set slowmode in 12: Missing Permissions (403, code 50013)')).toBe(
      'Missing Permissions',
    );
  });
});
