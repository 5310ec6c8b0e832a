import type { EventPayload } from '@chat-guard/events';
import { describeGuildStep, describeTargets, type TargetOutcome } from './describeLockdownSteps.ts';
import type { PriorState } from './lockdownPlan.ts';
import {
  type LockdownRow,
  markLifted,
  priorStateOf,
  readLockdown,
  recordLiftedBeforeStart,
  stepsTaken,
  storeRaidLabel,
  withLockdownLock,
} from './lockdownRecords.ts';
import {
  auditLockdown,
  type LockdownDeps,
  lockdownAlert,
  runLockdownStep,
  stepKey,
  stepTargets,
} from './lockdownSteps.ts';
import { endSharedLockdown } from './sharedLockdownState.ts';

/** How long the detector holds off after an admin's "false alarm". */
export const FALSE_ALARM_SUPPRESS_MS = 30 * 60_000;

export interface Lift {
  /** `detector` or the admin who lifted it. */
  readonly by: string;
  readonly at: number;
  /** Lift the quarantined accounts' timeouts too (a false alarm). */
  readonly release: boolean;
}

/**
 * Lifts a lockdown: puts back exactly what its steps changed (from the stored snapshot, for
 * the steps the ledger says were or may have been taken), releases the quarantined accounts
 * if asked, marks it lifted and alerts. Safe to repeat: every step runs once.
 */
export async function liftLockdown(deps: LockdownDeps, row: LockdownRow, lift: Lift): Promise<LockdownRow> {
  const wasLifted = row.status === 'lifted';
  const taken = await stepsTaken(deps.db, row.id);
  const steps = row.shadow ? [] : await restore(deps, row, taken, lift.by);
  if (lift.release) steps.push(...(await release(deps, row, taken, lift.by)));
  const lifted = await markLifted(deps.db, row.id, lift.at, lift.by);
  const at = wasLifted ? lift.at : (lifted.lifted_at?.getTime() ?? lift.at);
  const by = lift.by === 'detector' ? null : lift.by;
  await deps.alert(lockdownAlert(lifted, { kind: 'lifted', steps, by, at }));
  await auditLockdown(deps, {
    guildId: row.guild_id,
    lockdownId: row.id,
    action: 'lockdown.lifted',
    key: `lifted:${at}`,
    reason: `lifted by ${lift.by}${lift.release ? ', accounts released' : ''}: ${steps.join('; ') || 'nothing to restore'}`,
    ...(by ? { actorId: by } : {}),
  });
  return lifted;
}

async function restore(
  deps: LockdownDeps,
  row: LockdownRow,
  taken: ReadonlySet<string>,
  by: string,
): Promise<string[]> {
  const prior = priorStateOf(row);
  if (!prior) return []; // no snapshot, so no change was made
  const guildId = row.guild_id;
  const why = `Chat Guard lockdown ${row.id} lifted by ${by}`;
  const did = (step: 'invites' | 'dms' | 'verification' | 'slowmode' | 'deny-send', target: string) =>
    taken.has(stepKey(row.id, step, target));
  const steps: string[] = [];
  if (did('invites', guildId)) {
    const resumed = await runLockdownStep(
      deps,
      row,
      { step: 'restore-invites', target: guildId, reason: 'invite pause back as it was' },
      async () => {
        const now = deps.now();
        const current = await deps.discord.guildState(guildId);
        const stillFuture = (ms: number | null) => (ms !== null && ms > now ? ms : null);
        await deps.discord.setIncidentActions(
          guildId,
          {
            invitesDisabledUntil: stillFuture(prior.invitesDisabledUntil),
            dmsDisabledUntil: stillFuture(current.dmsDisabledUntil),
          },
          why,
        );
        await deps.db
          .updateTable('lockdown')
          .set({ invites_paused_until: null })
          .where('id', '=', row.id)
          .execute();
      },
    );
    steps.push(describeGuildStep(resumed, 'invites resumed', 'invite resume'));
  }
  if (did('dms', guildId)) steps.push(await restoreDms(deps, row, prior, why));
  if (did('verification', guildId)) {
    const lowered = await runLockdownStep(
      deps,
      row,
      {
        step: 'restore-verification',
        target: guildId,
        reason: `verification level back to ${prior.verificationLevel}`,
      },
      () => deps.discord.setVerificationLevel(guildId, prior.verificationLevel, why),
    );
    steps.push(
      describeGuildStep(
        lowered,
        `verification level back to ${prior.verificationLevel}`,
        'verification level',
      ),
    );
  }
  const slowmode: TargetOutcome[] = [];
  const permissions: TargetOutcome[] = [];
  for (const channel of prior.channels) {
    if (did('slowmode', channel.id)) {
      const outcome = await runLockdownStep(
        deps,
        row,
        {
          step: 'restore-slowmode',
          target: channel.id,
          reason: `slowmode back to ${channel.rateLimitPerUser} s in #${channel.name}`,
        },
        () => deps.discord.setSlowmode(channel.id, channel.rateLimitPerUser, why),
      );
      slowmode.push({ target: `#${channel.name}`, outcome });
    }
    if (did('deny-send', channel.id)) {
      const everyone = channel.everyone;
      const outcome = await runLockdownStep(
        deps,
        row,
        {
          step: 'restore-permissions',
          target: channel.id,
          reason: `@everyone's permissions back as they were in #${channel.name}`,
        },
        () =>
          everyone
            ? deps.discord.putOverwrite(channel.id, { id: guildId, type: 0, ...everyone }, why)
            : deps.discord.deleteOverwrite(channel.id, guildId, why),
      );
      permissions.push({ target: `#${channel.name}`, outcome });
    }
  }
  steps.push(
    ...describeTargets(slowmode, {
      done: (n) => `slowmode restored in ${n}`,
      step: 'slowmode',
      noun: 'channel',
    }),
  );
  steps.push(
    ...describeTargets(permissions, {
      done: (n) => `send messages restored in ${n}`,
      step: 'send messages',
      noun: 'channel',
    }),
  );
  return steps;
}

/** Puts the DM pause back as it was before the lockdown, leaving invites as they are now. */
async function restoreDms(
  deps: LockdownDeps,
  row: LockdownRow,
  prior: PriorState,
  why: string,
): Promise<string> {
  const resumed = await runLockdownStep(
    deps,
    row,
    { step: 'restore-dms', target: row.guild_id, reason: 'DM pause back as it was' },
    async () => {
      const now = deps.now();
      const current = await deps.discord.guildState(row.guild_id);
      const stillFuture = (ms: number | null) => (ms !== null && ms > now ? ms : null);
      await deps.discord.setIncidentActions(
        row.guild_id,
        {
          invitesDisabledUntil: stillFuture(current.invitesDisabledUntil),
          dmsDisabledUntil: stillFuture(prior.dmsDisabledUntil),
        },
        why,
      );
    },
  );
  return describeGuildStep(resumed, 'DMs resumed', 'DM resume');
}

/** The accounts the lockdown timed out (or may have), from the ledger: its record of truth. */
export function quarantinedBy(row: LockdownRow, taken: ReadonlySet<string>): string[] {
  return stepTargets(taken, row.id, 'quarantine');
}

async function release(
  deps: LockdownDeps,
  row: LockdownRow,
  taken: ReadonlySet<string>,
  by: string,
): Promise<string[]> {
  const results: TargetOutcome[] = [];
  for (const userId of quarantinedBy(row, taken)) {
    const outcome = await runLockdownStep(
      deps,
      row,
      {
        step: 'release',
        target: userId,
        userId,
        actorId: by,
        reason: 'released: the lockdown was a false alarm',
      },
      () => deps.discord.liftTimeout(row.guild_id, userId, `Chat Guard lockdown ${row.id}: false alarm`),
    );
    results.push({ target: userId, outcome });
  }
  return describeTargets(results, { done: (n) => `released ${n}`, step: 'release', noun: 'account' });
}

/**
 * Handles `lockdown.lifted`: the detector's lift is void while an admin's hold lasts; an admin's
 * lift also ends the shared state (and a release holds the detector off for a while).
 */
export async function onLockdownLifted(
  deps: LockdownDeps,
  event: EventPayload<'lockdown.lifted'>,
): Promise<void> {
  await withLockdownLock(deps, event.lockdownId, async (deps) => {
    const row = await readLockdown(deps.db, event.lockdownId);
    if (!row) {
      await recordLiftedBeforeStart(deps.db, event);
      return;
    }
    const holdUntil = row.hold_until?.getTime() ?? null;
    if (
      event.liftedBy === 'detector' &&
      row.status === 'active' &&
      holdUntil !== null &&
      holdUntil > event.liftedAt
    ) {
      await auditLockdown(deps, {
        guildId: row.guild_id,
        lockdownId: row.id,
        action: 'lockdown.lift_held',
        key: `lift-held:${event.liftedAt}`,
        reason: `the detector's lift waits: an admin holds the lockdown until ${new Date(holdUntil).toISOString()}`,
      });
      return;
    }
    const lifted = await liftLockdown(deps, row, {
      by: event.liftedBy,
      at: event.liftedAt,
      release: event.release,
    });
    if (event.liftedBy === 'detector') return;
    const answer = event.release ? 'false-alarm' : 'lift';
    await storeRaidLabel(deps.db, lifted, {
      answer,
      label: event.release ? 'false-alarm' : 'raid',
      by: event.liftedBy,
      windowEnd: lifted.lifted_at?.getTime() ?? event.liftedAt,
      at: event.liftedAt,
    });
    const suppressedUntil = event.release ? event.liftedAt + FALSE_ALARM_SUPPRESS_MS : null;
    await endSharedLockdown(deps.redis, row.guild_id, row.id, suppressedUntil, event.liftedAt);
  });
}
