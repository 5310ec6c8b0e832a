import type { ViolationType } from '@chat-guard/events';

const LABELS: Record<ViolationType, string> = {
  spam: 'spam',
  bad_word: 'a blocked word',
  invite: 'an invite link',
  link: 'a link',
  mass_mention: 'mass mentions',
  character_limit: 'a message over the length limit',
};

/** The violations of a verdict in words a member understands, e.g. "an invite link and spam". */
export function describeViolations(types: readonly ViolationType[]): string {
  const words = [...new Set(types)].map((t) => LABELS[t]);
  if (words.length <= 1) return words[0] ?? 'a rule';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The public warning: what was removed, which warning this is, and what comes next. */
export function warningText(
  userId: string,
  what: string,
  warningsLeft: number,
  timeoutMinutes: number,
): string {
  const next =
    warningsLeft > 0
      ? `${warningsLeft} more warning${warningsLeft === 1 ? '' : 's'} before a timeout.`
      : `The next violation times you out for ${timeoutMinutes} minute${timeoutMinutes === 1 ? '' : 's'}.`;
  return `<@${userId}>, your message was removed for ${what}. ${next}`;
}
