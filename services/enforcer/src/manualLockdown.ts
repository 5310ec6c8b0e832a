import { readLockdownState, swapLockdownState } from '@chat-guard/store';
import { readLockdown } from './lockdownRecords.ts';
import type { LockdownDeps } from './lockdownSteps.ts';
import { type LockdownRequest, startLockdown } from './startLockdown.ts';

/**
 * Starts a lockdown, the detector's or an admin's (`/lockdown start`), on the one path. An
 * admin's lockdown holds until an admin lifts it: its record carries the hold, and once it is
 * recorded the detector is told (the shared state), so it neither lifts it when the joins calm
 * down nor starts another meanwhile.
 */
export async function onLockdownRequested(deps: LockdownDeps, request: LockdownRequest): Promise<void> {
  await startLockdown(deps, request);
  if (!request.requestedBy) return;
  const row = await readLockdown(deps.db, request.lockdownId);
  if (row?.status !== 'active' || !row.hold_until) return;
  const shared = await readLockdownState(deps.redis, request.guildId);
  if (shared.lockdownId !== null) return; // ours already, or the detector's (then ours waits in the record)
  await swapLockdownState(deps.redis, request.guildId, null, {
    lockdownId: row.id,
    since: row.started_at.getTime(),
    holdUntil: row.hold_until.getTime(),
    suppressedUntil: shared.suppressedUntil,
    endedAt: shared.endedAt,
  });
}
