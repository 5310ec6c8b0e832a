import { checkMessage, type MessageToCheck, type Violation } from '@chat-guard/content-filter';
import type { GuildConfig } from '@chat-guard/events';
import type { APIMessage } from 'discord-api-types/v10';

/** A recent message the proposed rules would have caught, and why. */
export interface WouldCatch {
  readonly channelId: string;
  readonly messageId: string;
  readonly authorId: string;
  readonly at: number;
  readonly violations: readonly Violation[];
}

/**
 * Runs proposed rules over messages as Discord lists them, through the content-filter's own
 * `checkMessage`. The spam guard is left out (it needs each author's window as it was), and
 * roles are unknown in a listing, so role whitelists do not apply.
 */
export function tryRules(
  config: GuildConfig,
  guildId: string,
  messages: readonly APIMessage[],
  allowedInviteCodes: ReadonlySet<string>,
): { checked: number; caught: WouldCatch[] } {
  const caught: WouldCatch[] = [];
  let checked = 0;
  for (const m of messages) {
    if (m.author.bot || m.webhook_id) continue;
    checked++;
    const message: MessageToCheck = {
      guildId,
      channelId: m.channel_id,
      messageId: m.id,
      authorId: m.author.id,
      content: m.content,
      mentionUserIds: m.mentions.map((u) => u.id),
      mentionRoleIds: m.mention_roles,
      mentionsEveryone: m.mention_everyone,
      memberRoleIds: [],
      memberPermissions: '0',
    };
    const violations = checkMessage(message, { config, allowedInviteCodes });
    if (violations.length > 0)
      caught.push({
        channelId: m.channel_id,
        messageId: m.id,
        authorId: m.author.id,
        at: Date.parse(m.timestamp),
        violations,
      });
  }
  return { checked, caught };
}
