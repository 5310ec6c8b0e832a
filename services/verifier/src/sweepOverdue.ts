import { failMember, type GateDeps } from './gatekeeper.ts';

/** A gap between sweeps longer than this means the verifier was away: members get that time back. */
export const AWAY_AFTER_MS = 2 * 60_000;

/**
 * Applies the failure action to members who did not pass in time. If no sweep ran for a while
 * (every replica down), the pending deadlines first move later by that gap: a verifier that was
 * down does not lock anybody out.
 */
export async function sweepOverdue(
  deps: GateDeps,
  onRowError: (err: unknown, guildId: string, userId: string) => void,
  batch = 100,
): Promise<{ expired: number; extendedBy: number }> {
  const now = deps.now();
  const previous = await deps.redis.swapLastSweep(now);
  let extendedBy = 0;
  if (previous !== null && now - previous > AWAY_AFTER_MS) {
    extendedBy = now - previous;
    await deps.store.extendPending(extendedBy);
  }
  let expired = 0;
  // One member Discord will not act on must not hold up the others: it is reported and retried.
  for (const row of await deps.store.overdue(new Date(now), batch)) {
    const why = `not verified within ${deps.config(row.guild_id).gate.timeoutMinutes} minutes`;
    try {
      if (await failMember(deps, row, { kind: 'expired', why })) expired++;
    } catch (err) {
      onRowError(err, row.guild_id, row.user_id);
    }
  }
  return { expired, extendedBy };
}
