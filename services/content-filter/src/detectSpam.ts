import type { SpamRecord } from './spamWindow.ts';

/** The hash of empty content (attachments, stickers): never counted as a repeat. */
const EMPTY_CONTENT_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The same content this many times in the window is spam, even below `spamThreshold`. */
export const REPEAT_LIMIT = 3;

export interface SpamPolicy {
  readonly spamThreshold: number;
  readonly spamWindowSeconds: number;
}

/** Why a message is spam: how many messages, and how many copies of this one, are in the window. */
export interface SpamFinding {
  readonly messages: number;
  readonly copies: number;
  readonly tooMany: boolean;
  readonly repeated: boolean;
}

/**
 * Spam: `spamThreshold` messages or more from one author within `spamWindowSeconds` (this one
 * included), or the same content `min(REPEAT_LIMIT, spamThreshold)` times within the window.
 */
export function detectSpam(
  recent: readonly SpamRecord[],
  incoming: SpamRecord,
  policy: SpamPolicy,
): SpamFinding | undefined {
  const since = incoming.at - policy.spamWindowSeconds * 1000;
  const inWindow = recent.filter((r) => r.at > since && r.at <= incoming.at);
  const messages = inWindow.length + 1;
  const copies =
    incoming.contentHash === EMPTY_CONTENT_HASH
      ? 1
      : inWindow.filter((r) => r.contentHash === incoming.contentHash).length + 1;
  const tooMany = messages >= policy.spamThreshold;
  const repeated = copies >= Math.min(REPEAT_LIMIT, policy.spamThreshold);
  return tooMany || repeated ? { messages, copies, tooMany, repeated } : undefined;
}
