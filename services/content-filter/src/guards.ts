import type { GuildConfig, ViolationType } from '@chat-guard/events';
import type { CompiledFilter } from './compileFilter.ts';
import { detectBadWords } from './detectBadWords.ts';
import { detectCharacterLimit } from './detectCharacterLimit.ts';
import { detectInviteLinks, isInviteUrl } from './detectInviteLinks.ts';
import { detectLinks } from './detectLinks.ts';
import { detectMassMentions, mentionsEveryoneIn } from './detectMassMentions.ts';
import { detectSpam } from './detectSpam.ts';
import { excerpt } from './normalizeText.ts';
import type { CheckContext, MessageToCheck } from './types.ts';

/** What every guard is given. */
export interface GuardInput {
  readonly message: MessageToCheck;
  readonly filter: CompiledFilter;
  readonly context: CheckContext;
}

/** The config switch that turns a guard on. */
export type GuardSwitch =
  | 'spamGuard'
  | 'badWordGuard'
  | 'inviteGuard'
  | 'linkGuard'
  | 'massPingGuard'
  | 'characterLimit';

/** One rule: the switch that enables it, and a check that returns a violation detail or undefined. */
export interface Guard {
  readonly type: ViolationType;
  readonly enabledBy: GuardSwitch;
  check(input: GuardInput): string | undefined;
}

const MAX_LISTED = 3;

/** "a, b, c (+2 more)": a few quoted excerpts, never the whole list. */
function listed(items: readonly string[]): string {
  const shown = [...new Set(items)].slice(0, MAX_LISTED).map((item) => `"${excerpt(item, 40)}"`);
  const more = new Set(items).size - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

const spamGuard: Guard = {
  type: 'spam',
  enabledBy: 'spamGuard',
  check({ context: { spam, config } }) {
    if (!spam) return undefined;
    const found = detectSpam(spam.recent, spam.incoming, config);
    if (!found) return undefined;
    const reasons = [];
    if (found.tooMany)
      reasons.push(
        `${found.messages} messages within ${config.spamWindowSeconds} s (limit ${config.spamThreshold})`,
      );
    if (found.repeated)
      reasons.push(`the same content ${found.copies} times within ${config.spamWindowSeconds} s`);
    return reasons.join('; ');
  },
};

const badWordGuard: Guard = {
  type: 'bad_word',
  enabledBy: 'badWordGuard',
  check({ message, filter }) {
    if (!filter.words) return undefined;
    const found = detectBadWords(message.content, filter.words);
    if (found.length === 0) return undefined;
    const fromDefault = found.filter((w) => w.list === 'default').map((w) => w.word);
    const fromFiltered = found.filter((w) => w.list === 'filtered').map((w) => w.word);
    const parts = [];
    if (fromDefault.length > 0) parts.push(`blocked word ${listed(fromDefault)} (default list)`);
    if (fromFiltered.length > 0) parts.push(`filtered word ${listed(fromFiltered)} (guild list)`);
    return parts.join('; ');
  },
};

const inviteGuard: Guard = {
  type: 'invite',
  enabledBy: 'inviteGuard',
  check({ message, context }) {
    const invites = detectInviteLinks(message.content, context.allowedInviteCodes);
    if (invites.length === 0) return undefined;
    return `invite to another server: ${listed(invites.map((i) => `${i.host}/${i.code}`))}`;
  },
};

const linkGuard: Guard = {
  type: 'link',
  enabledBy: 'linkGuard',
  check({ message, filter, context }) {
    // Invites are the invite guard's to judge while it is on; with it off they are links like any other.
    const skip = context.config.inviteGuard
      ? (link: { host: string; path: string }) => isInviteUrl(link.host, link.path)
      : undefined;
    const links = detectLinks(message.content, filter.allowedDomains, skip);
    if (links.length === 0) return undefined;
    return `link to a domain that is not allowed: ${listed(links.map((l) => l.host))}`;
  },
};

const massPingGuard: Guard = {
  type: 'mass_mention',
  enabledBy: 'massPingGuard',
  check({ message, context }) {
    // Discord may leave `mentionsEveryone` false when the author lacks the permission: read the text too.
    const mentionsEveryone = message.mentionsEveryone || mentionsEveryoneIn(message.content);
    const found = detectMassMentions({ ...message, mentionsEveryone }, context.config.massPingThreshold);
    if (!found) return undefined;
    const reasons = [];
    if (found.mentionCount !== undefined) {
      reasons.push(
        `mentions ${found.mentionCount} users and roles (limit ${context.config.massPingThreshold})`,
      );
    }
    if (found.everyoneWithoutPermission)
      reasons.push('@everyone/@here without the Mention Everyone permission');
    return reasons.join('; ');
  },
};

const characterLimitGuard: Guard = {
  type: 'character_limit',
  enabledBy: 'characterLimit',
  check({ message, context }) {
    const length = detectCharacterLimit(message.content, context.config.maxMessageLength);
    if (length === undefined) return undefined;
    return `${length} characters (Unicode code points), limit ${context.config.maxMessageLength}`;
  },
};

/** Every guard, in the order violations are reported. */
export const guards: readonly Guard[] = [
  spamGuard,
  badWordGuard,
  inviteGuard,
  linkGuard,
  massPingGuard,
  characterLimitGuard,
];

/** Whether the config turns the guard on. */
export function isEnabled(guard: Guard, config: GuildConfig): boolean {
  return config[guard.enabledBy];
}
