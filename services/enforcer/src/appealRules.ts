import type { ModerationSettings } from '@chat-guard/events';

/** The prefix of the Appeal button in a member's DM: `appeal:<guildId>:<caseNumber>`. */
export const APPEAL_BUTTON_PREFIX = 'appeal:';
/** The prefix of the appeal form (modal) behind it: `appeal-form:<guildId>:<caseNumber>`. */
export const APPEAL_FORM_PREFIX = 'appeal-form:';
/** The prefix of Accept and Deny in the appeal channel: `appeal-decision:<accept|deny>:<caseNumber>`. */
export const APPEAL_DECISION_PREFIX = 'appeal-decision:';

/** The actions a member may appeal: the ones that keep them out or quiet. */
export const APPEALABLE_ACTIONS: ReadonlySet<string> = new Set(['timeout', 'kick', 'ban']);

export function appealButtonId(guildId: string, caseNumber: number): string {
  return `${APPEAL_BUTTON_PREFIX}${guildId}:${caseNumber}`;
}

export function appealFormId(guildId: string, caseNumber: number): string {
  return `${APPEAL_FORM_PREFIX}${guildId}:${caseNumber}`;
}

export function appealDecisionId(decision: 'accept' | 'deny', caseNumber: number): string {
  return `${APPEAL_DECISION_PREFIX}${decision}:${caseNumber}`;
}

/** Reads `<prefix><guildId>:<caseNumber>`; null when it is not one (a forged or foreign id). */
export function parseCaseRef(
  customId: string,
  prefix: string,
): { guildId: string; caseNumber: number } | null {
  if (!customId.startsWith(prefix)) return null;
  const match = /^(\d{1,20}):([1-9]\d{0,8})$/.exec(customId.slice(prefix.length));
  if (!match?.[1] || !match[2]) return null;
  return { guildId: match[1], caseNumber: Number(match[2]) };
}

/** Reads `appeal-decision:<accept|deny>:<caseNumber>`. */
export function parseDecisionId(
  customId: string,
): { decision: 'accept' | 'deny'; caseNumber: number } | null {
  const match = /^appeal-decision:(accept|deny):([1-9]\d{0,8})$/.exec(customId);
  if (!match?.[1] || !match[2]) return null;
  return { decision: match[1] as 'accept' | 'deny', caseNumber: Number(match[2]) };
}

/** A case as the appeal rules see it. */
export interface AppealableCase {
  readonly number: number;
  readonly userId: string | null;
  readonly action: string;
}

/** An earlier appeal of the member in the guild. */
export interface PastAppeal {
  readonly caseNumber: number;
  readonly status: 'open' | 'accepted' | 'denied';
  readonly submittedAt: number;
  readonly decidedAt: number | null;
}

export type AppealVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const at = (ms: number, style: 'f' | 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

/**
 * Whether `userId` may appeal this case now: it is theirs, of an appealable action, the guild
 * takes appeals, none of theirs is open for it, it was not accepted already, and the member's
 * last appeal in the guild is older than the cool-down. The reason says which rule refused.
 */
export function mayAppeal(
  found: AppealableCase | undefined,
  userId: string,
  appeals: readonly PastAppeal[],
  settings: Pick<ModerationSettings, 'appealChannelId' | 'appealCooldownHours'>,
  nowMs: number,
): AppealVerdict {
  if (!found || found.userId !== userId) return { ok: false, reason: 'There is no such case of yours.' };
  if (!APPEALABLE_ACTIONS.has(found.action))
    return { ok: false, reason: 'Only timeouts, kicks and bans can be appealed.' };
  if (settings.appealChannelId === null)
    return { ok: false, reason: 'This server does not take appeals at the moment.' };
  const ofCase = appeals.filter((a) => a.caseNumber === found.number);
  if (ofCase.some((a) => a.status === 'open'))
    return { ok: false, reason: `Your appeal of case #${found.number} is waiting for the moderators.` };
  const accepted = ofCase.find((a) => a.status === 'accepted');
  if (accepted)
    return {
      ok: false,
      reason: `Your appeal of case #${found.number} was accepted${accepted.decidedAt ? ` on ${at(accepted.decidedAt, 'f')}` : ''}.`,
    };
  const last = Math.max(...appeals.map((a) => a.submittedAt));
  const nextAt = last + settings.appealCooldownHours * 3_600_000;
  if (appeals.length > 0 && nextAt > nowMs) {
    const denied = ofCase.find((a) => a.status === 'denied');
    const before = denied ? `Your appeal of case #${found.number} was denied. ` : '';
    return { ok: false, reason: `${before}You can appeal again ${at(nextAt, 'R')}.` };
  }
  return { ok: true };
}
