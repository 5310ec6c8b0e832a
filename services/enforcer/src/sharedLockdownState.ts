import { NO_LOCKDOWN, readLockdownState, swapLockdownState } from '@chat-guard/store';
import type { Redis } from 'ioredis';

/**
 * Tells the detector an admin ended the lockdown: no lockdown holds, and after a false alarm
 * none starts before `suppressedUntil`. Changes nothing when another lockdown holds.
 */
export async function endSharedLockdown(
  redis: Redis,
  guildId: string,
  lockdownId: string,
  suppressedUntil: number | null,
): Promise<void> {
  if (await swapLockdownState(redis, guildId, lockdownId, { ...NO_LOCKDOWN, suppressedUntil })) return;
  if (suppressedUntil === null) return;
  // The detector ended it already: the suppression still holds off the next start.
  const current = await readLockdownState(redis, guildId);
  if (current.lockdownId !== null) return;
  const until = Math.max(current.suppressedUntil ?? 0, suppressedUntil);
  await swapLockdownState(redis, guildId, null, { ...current, suppressedUntil: until });
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
  });
}
