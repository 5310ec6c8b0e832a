import type { SandboxCore } from '../sandboxCore.ts';

/** How long Discord remembers an enforced nonce ("the past few minutes"). */
const NONCE_TTL_MS = 5 * 60_000;

const seen = new WeakMap<SandboxCore, Map<string, { messageId: string; at: number }>>();

/**
 * The message an earlier send with the same enforced nonce created in this channel, if it is
 * recent: Discord answers a repeated send with that message instead of creating another.
 */
export function messageForNonce(
  core: SandboxCore,
  channelId: string,
  nonce: string,
  now: number,
): string | undefined {
  const entry = seen.get(core)?.get(`${channelId}:${nonce}`);
  return entry && now - entry.at < NONCE_TTL_MS ? entry.messageId : undefined;
}

/** Remembers which message an enforced nonce created. */
export function rememberNonce(
  core: SandboxCore,
  channelId: string,
  nonce: string,
  messageId: string,
  now: number,
): void {
  let byKey = seen.get(core);
  if (!byKey) {
    byKey = new Map();
    seen.set(core, byKey);
  }
  byKey.set(`${channelId}:${nonce}`, { messageId, at: now });
}
