import { type GuildConfig, guildConfigSchema } from '@chat-guard/events';
import type { GuildConfigTable } from '@chat-guard/store';
import type { Insertable, Selectable } from 'kysely';

/** A stored row as the configuration every service reads. */
export function configFromRow(row: Selectable<GuildConfigTable>): GuildConfig {
  return guildConfigSchema.parse({
    spamGuard: row.spam_guard,
    badWordGuard: row.bad_word_guard,
    inviteGuard: row.invite_guard,
    linkGuard: row.link_guard,
    massPingGuard: row.mass_ping_guard,
    characterLimit: row.character_limit,
    filteredWords: row.filtered_words,
    muteDurationMinute: row.mute_duration_minute,
    punishLogChannelId: row.punish_log_channel_id,
    whiteListMembers: row.white_list_members,
    whiteListRoles: row.white_list_roles,
    whiteListChannels: row.white_list_channels,
    spamThreshold: row.spam_threshold,
    spamWindowSeconds: row.spam_window_seconds,
    massPingThreshold: row.mass_ping_threshold,
    maxMessageLength: row.max_message_length,
    allowedDomains: row.allowed_domains,
    violationWindowHours: row.violation_window_hours,
    logRetentionDays: row.log_retention_days,
    fakeAccountAgeDays: row.fake_account_age_days,
    fakeLeaveWindowHours: row.fake_leave_window_hours,
    lockdown: row.lockdown,
    moderation: row.moderation,
    inviteCounts: row.invite_counts,
    gate: row.gate,
  });
}

/** The columns that hold a configuration. */
export function rowFromConfig(guildId: string, config: GuildConfig): Insertable<GuildConfigTable> {
  return {
    guild_id: guildId,
    spam_guard: config.spamGuard,
    bad_word_guard: config.badWordGuard,
    invite_guard: config.inviteGuard,
    link_guard: config.linkGuard,
    mass_ping_guard: config.massPingGuard,
    character_limit: config.characterLimit,
    filtered_words: config.filteredWords,
    mute_duration_minute: config.muteDurationMinute,
    punish_log_channel_id: config.punishLogChannelId,
    white_list_members: config.whiteListMembers,
    white_list_roles: config.whiteListRoles,
    white_list_channels: config.whiteListChannels,
    spam_threshold: config.spamThreshold,
    spam_window_seconds: config.spamWindowSeconds,
    mass_ping_threshold: config.massPingThreshold,
    max_message_length: config.maxMessageLength,
    allowed_domains: config.allowedDomains,
    violation_window_hours: config.violationWindowHours,
    log_retention_days: config.logRetentionDays,
    fake_account_age_days: config.fakeAccountAgeDays,
    fake_leave_window_hours: config.fakeLeaveWindowHours,
    lockdown: JSON.stringify(config.lockdown),
    moderation: JSON.stringify(config.moderation),
    invite_counts: JSON.stringify(config.inviteCounts),
    gate: JSON.stringify(config.gate),
  };
}
