import { compileFilter } from './compileFilter.ts';
import { guards, isEnabled } from './guards.ts';
import { excerpt } from './normalizeText.ts';
import type { CheckContext, MessageToCheck, Violation } from './types.ts';

/** The longest detail the `verdict.violation` event carries. */
const MAX_DETAIL = 200;

/** Whether the author, one of their roles, or the channel is on the guild's whitelist. */
export function isExempt(message: MessageToCheck, context: CheckContext): boolean {
  const filter = compileFilter(context.config);
  return (
    filter.exemptMembers.has(message.authorId) ||
    filter.exemptChannels.has(message.channelId) ||
    message.memberRoleIds.some((role) => filter.exemptRoles.has(role))
  );
}

/**
 * Every rule the message breaks, one violation per enabled guard that finds something (in the
 * order of `guards`); none for whitelisted members, roles and channels.
 */
export function checkMessage(message: MessageToCheck, context: CheckContext): Violation[] {
  if (isExempt(message, context)) return [];
  const filter = compileFilter(context.config);
  const violations: Violation[] = [];
  for (const guard of guards) {
    if (!isEnabled(guard, context.config)) continue;
    const detail = guard.check({ message, filter, context });
    if (detail !== undefined) violations.push({ type: guard.type, detail: excerpt(detail, MAX_DETAIL) });
  }
  return violations;
}
