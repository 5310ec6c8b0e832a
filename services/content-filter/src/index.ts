export { type BadWord, InvalidFilteredWordError, type WordMatcher, wordMatcher } from './badWordMatchers.ts';
export { checkMessage, isExempt } from './checkMessage.ts';
export { type CompiledFilter, compileFilter } from './compileFilter.ts';
export { detectBadWords } from './detectBadWords.ts';
export { codePointLength, detectCharacterLimit } from './detectCharacterLimit.ts';
export { detectInviteLinks, type InviteLink, isInviteUrl } from './detectInviteLinks.ts';
export { detectLinks, findLinks, isAllowedHost, type Link } from './detectLinks.ts';
export {
  detectMassMentions,
  hasPermission,
  type MassMentionFinding,
  type Mentions,
  mentionsEveryoneIn,
  mentionsInContent,
  Permission,
} from './detectMassMentions.ts';
export { detectSpam, REPEAT_LIMIT, type SpamFinding, type SpamPolicy } from './detectSpam.ts';
export { type Guard, type GuardInput, type GuardSwitch, guards } from './guards.ts';
export { judgeMessage } from './judgeMessage.ts';
export { contentHash, foldLookalikes, normalizeForHash } from './normalizeText.ts';
export { RedisSpamWindowStore } from './redisSpamWindow.ts';
export {
  InMemorySpamWindowStore,
  type SpamRecord,
  type SpamWindowStore,
  spamRecordOf,
} from './spamWindow.ts';
export type { CheckContext, MessageToCheck, SpamInput, Violation } from './types.ts';
