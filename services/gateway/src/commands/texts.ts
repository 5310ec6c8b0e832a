import type { GuildConfig } from '@chat-guard/events';
import { describeModeration } from './settingsCommands.ts';

export const PRIVACY_TEXT = [
  '**Privacy**',
  "Chat Guard reads messages only to check them against this server's rules. It never stores message content:",
  'the audit log keeps the action, the ids involved and a hash of the content. Settings and the audit log stay in',
  'the database of whoever runs this bot, for the retention the server admins set (`logRetentionDays`).',
  'The member gate keeps, for newcomers who verify, only a keyed hash of the connection address (never the',
  "address itself), for the server's `altWindowDays`, to notice several accounts behind one connection.",
].join('\n');

export const PROJECT_TEXT = [
  '**Chat Guard**: self-hosted, open Discord moderation and anti-raid.',
  'Source and documentation: https://github.com/ichbinheimdall/chat-guard',
].join('\n');

const onOff = (v: boolean) => (v ? 'on' : 'off');
const list = (values: readonly string[], mention: (v: string) => string) =>
  values.length === 0 ? 'none' : values.map(mention).join(', ');

/** The settings a guild has now, as an admin reads them. */
export function describeSettings(c: GuildConfig): string {
  return [
    '**Chat Guard settings**',
    `Spam: ${onOff(c.spamGuard)} (${c.spamThreshold} messages in ${c.spamWindowSeconds} s)`,
    `Bad words: ${onOff(c.badWordGuard)} (${c.filteredWords.length} custom terms)`,
    `Invites: ${onOff(c.inviteGuard)} · Links: ${onOff(c.linkGuard)} (allowed: ${c.allowedDomains.join(', ') || 'none'})`,
    `Mass mentions: ${onOff(c.massPingGuard)} (over ${c.massPingThreshold})`,
    `Length limit: ${onOff(c.characterLimit)} (${c.maxMessageLength} characters)`,
    `Timeout: ${c.muteDurationMinute} min from the 3rd violation within ${c.violationWindowHours} h`,
    `Log channel: ${c.punishLogChannelId ? `<#${c.punishLogChannelId}>` : 'not set'} · retention ${c.logRetentionDays} days`,
    `Lockdown: ${c.lockdown.mode} · alerts in ${c.lockdown.alertChannelId ? `<#${c.lockdown.alertChannelId}>` : 'the log channel'} · webhook ${c.lockdown.webhookUrl ? 'set' : 'not set'}`,
    `Member gate: ${c.gate.mode} · on failure ${c.gate.failureAction} (/gate status for more)`,
    ...describeModeration(c),
    `Exempt members: ${list(c.whiteListMembers, (v) => `<@${v}>`)}`,
    `Exempt roles: ${list(c.whiteListRoles, (v) => `<@&${v}>`)}`,
    `Exempt channels: ${list(c.whiteListChannels, (v) => `<#${v}>`)}`,
  ].join('\n');
}
