import type { ActionOutcome } from './actionLedger.ts';
import {
  invitePausesEndingBefore,
  type LockdownRow,
  readLockdown,
  stepsTaken,
  withLockdownLock,
} from './lockdownRecords.ts';
import { type LockdownDeps, runLockdownStep, stepKey } from './lockdownSteps.ts';

const HOUR_MS = 3_600_000;
/** Discord pauses invites at most 24 hours ahead; a few minutes less absorbs clock skew. */
export const INVITE_PAUSE_MS = 24 * HOUR_MS - 5 * 60_000;
/** A pause ending sooner than this is renewed. */
export const RENEW_AHEAD_MS = 2 * HOUR_MS;

/** Which incident actions a step pauses; the other is left as it is. */
export interface Pausing {
  readonly invites: boolean;
  readonly dms: boolean;
}

const INVITES_ONLY: Pausing = { invites: true, dms: false };

/**
 * Pauses the guild's invites (and, when asked, DMs) until `untilMs` (or a later pause already
 * in place), leaving the other incident action as it is, and remembers the end so the renewal
 * can find it. One step of the ledger.
 */
export async function pauseInvites(
  deps: LockdownDeps,
  row: LockdownRow,
  step: { step: 'invites' | 'renew-invites' | 'dms'; target: string; actorId?: string },
  untilMs: number,
  pausing: Pausing = INVITES_ONLY,
): Promise<ActionOutcome> {
  const what = [pausing.invites ? 'invites' : null, pausing.dms ? 'DMs' : null].filter(Boolean).join(' and ');
  return runLockdownStep(
    deps,
    row,
    {
      ...step,
      reason: `${what} paused for lockdown ${row.id}`,
      details: { until: new Date(untilMs).toISOString() },
    },
    async () => {
      const now = deps.now();
      const current = await deps.discord.guildState(row.guild_id);
      const until = (pause: boolean, ms: number | null) =>
        pause ? Math.max(untilMs, ms ?? 0) : ms !== null && ms > now ? ms : null;
      const invitesUntil = until(pausing.invites, current.invitesDisabledUntil);
      const dmsUntil = until(pausing.dms, current.dmsDisabledUntil);
      await deps.discord.setIncidentActions(
        row.guild_id,
        { invitesDisabledUntil: invitesUntil, dmsDisabledUntil: dmsUntil },
        `Chat Guard lockdown ${row.id}: ${what} paused`,
      );
      await deps.db
        .updateTable('lockdown')
        .set({ invites_paused_until: new Date((pausing.invites ? invitesUntil : dmsUntil) ?? untilMs) })
        .where('id', '=', row.id)
        .execute();
    },
  );
}

/** What a lockdown paused (invites, DMs or both), from the ledger: what its renewals renew. */
export async function pausedBy(deps: Pick<LockdownDeps, 'db'>, row: LockdownRow): Promise<Pausing> {
  const taken = await stepsTaken(deps.db, row.id);
  return {
    invites: taken.has(stepKey(row.id, 'invites', row.guild_id)),
    dms: taken.has(stepKey(row.id, 'dms', row.guild_id)),
  };
}

/**
 * Renews the invite pause of every active lockdown whose pause ends within RENEW_AHEAD_MS:
 * Discord's pause lasts 24 hours at most, the lockdown as long as the raid. Returns the
 * lockdowns renewed.
 */
export async function renewInvitePauses(deps: LockdownDeps): Promise<string[]> {
  const due = await invitePausesEndingBefore(deps.db, new Date(deps.now() + RENEW_AHEAD_MS));
  const renewed: string[] = [];
  for (const candidate of due) {
    await withLockdownLock(deps, candidate.id, async (deps) => {
      const row = await readLockdown(deps.db, candidate.id);
      const endsAt = row?.invites_paused_until?.getTime();
      if (row?.status !== 'active' || endsAt === undefined) return; // lifted meanwhile
      if (endsAt >= deps.now() + RENEW_AHEAD_MS) return; // another replica renewed it meanwhile
      // One renewal per pause end: a retry after a crash renews the same pause, not a new one.
      const outcome = await pauseInvites(
        deps,
        row,
        { step: 'renew-invites', target: String(endsAt) },
        deps.now() + INVITE_PAUSE_MS,
        await pausedBy(deps, row),
      );
      if (outcome.status === 'done') renewed.push(row.id);
    });
  }
  return renewed;
}
