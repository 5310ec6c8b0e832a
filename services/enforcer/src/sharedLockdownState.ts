import { NO_LOCKDOWN, readLockdownState, swapLockdownState } from '@chat-guard/store';
import type { Redis } from 'ioredis';

/**
 * Tells the detector an admin ended the lockdown at `endedAt`: no lockdown holds, joins before
 * `endedAt` no longer count towards a new one (an admin's lift is an answer: only a new wave
 * starts another), and after a false alarm none starts before `suppressedUntil`. Changes
 * nothing when another lockdown holds.
 */
export async function endSharedLockdown(
  redis: Redis,
  guildId: string,
  lockdownId: string,
  suppressedUntil: number | null,
  endedAt: number,
): Promise<void> {
  if (await swapLockdownState(redis, guildId, lockdownId, { ...NO_LOCKDOWN, suppressedUntil, endedAt }))
    return;
  // The detector ended it already: the admin's answer still moves the epoch and the suppression.
  const current = await readLockdownState(redis, guildId);
  if (current.lockdownId !== null) return;
  const until = Math.max(current.suppressedUntil ?? 0, suppressedUntil ?? 0);
  await swapLockdownState(redis, guildId, null, {
    ...current,
    suppressedUntil: until === 0 ? null : until,
    endedAt: Math.max(current.endedAt ?? 0, endedAt),
  });
}

/**
 * Tells the detector an admin asked the lockdown to hold until `holdUntil`; if the detector
 * ended it meanwhile, claims it again so that its lift comes after the hold. Returns whether
 * the shared state now holds it.
 */
export async function holdSharedLockdown(
  redis: Redis,
  guildId: string,
  lockdown: { id: string; since: number },
  holdUntil: number,
): Promise<boolean> {
  const current = await readLockdownState(redis, guildId);
  if (current.lockdownId === lockdown.id) {
    return swapLockdownState(redis, guildId, lockdown.id, { ...current, holdUntil });
  }
  if (current.lockdownId !== null) return false;
  return swapLockdownState(redis, guildId, null, {
    lockdownId: lockdown.id,
    since: lockdown.since,
    holdUntil,
    suppressedUntil: current.suppressedUntil,
    endedAt: current.endedAt,
  });
}
