import type { EventPayload, LockdownSettings } from '@chat-guard/events';
import { describeGuildStep, describeTargets, type TargetOutcome } from './describeLockdownSteps.ts';
import {
  type LockdownPlan,
  lockdownChannels,
  type PriorState,
  planLockdown,
  snapshotPriorState,
} from './lockdownPlan.ts';
import {
  keepPriorState,
  type LockdownRow,
  priorStateOf,
  readLockdown,
  recordLockdown,
  withLockdownLock,
} from './lockdownRecords.ts';
import { auditLockdown, type LockdownDeps, lockdownAlert, runLockdownStep } from './lockdownSteps.ts';
import { INVITE_PAUSE_MS, pauseInvites } from './pauseInvites.ts';

export type LockdownRequest = EventPayload<'lockdown.requested'>;

/** Another lockdown of the guild has not been lifted yet; the request waits for it (retried). */
export class LockdownBusyError extends Error {
  readonly retryable = true;
  constructor(
    readonly guildId: string,
    readonly lockdownId: string,
  ) {
    super(`guild ${guildId} has a lockdown still in force; ${lockdownId} waits for its lift`);
    this.name = 'LockdownBusyError';
  }
}

/**
 * Starts a lockdown: records it, snapshots what it will change (once, before the first
 * change), applies the guild's profile step by step through the action ledger, and alerts.
 * In shadow mode it records and alerts what it would do; with the profile off it only audits.
 */
export async function startLockdown(deps: LockdownDeps, request: LockdownRequest): Promise<void> {
  const settings = deps.config(request.guildId).lockdown;
  await withLockdownLock(deps, request.lockdownId, async (deps) => {
    const known = await readLockdown(deps.db, request.lockdownId);
    if (!known && settings.mode === 'off') {
      await auditLockdown(deps, {
        guildId: request.guildId,
        lockdownId: request.lockdownId,
        action: 'lockdown.ignored',
        key: 'ignored',
        reason: `lockdown off for this guild; raid score ${request.score.toFixed(2)}: ${request.reasons.join('; ')}`,
      });
      return;
    }
    const row = known ?? (await recordLockdown(deps.db, request, settings.mode === 'shadow'));
    if (!row) throw new LockdownBusyError(request.guildId, request.lockdownId);
    if (row.status === 'lifted') return; // lifted before (or while) this delivery: nothing to start

    const prior =
      priorStateOf(row) ?? (await keepPriorState(deps.db, row.id, await snapshot(deps, request, settings)));
    const plan = planLockdown(prior, settings, request.score);
    const applied = row.shadow
      ? { steps: describeShadow(plan, prior), quarantined: [] }
      : await applyPlan(deps, row, request, plan, prior);
    const stored = await deps.db
      .updateTable('lockdown')
      .set({ steps: JSON.stringify(applied.steps), quarantined: JSON.stringify(applied.quarantined) })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.alert(
      lockdownAlert(stored, {
        kind: 'started',
        steps: applied.steps,
        by: null,
        at: row.started_at.getTime(),
      }),
    );
    await auditLockdown(deps, {
      guildId: row.guild_id,
      lockdownId: row.id,
      action: 'lockdown.started',
      key: 'started',
      reason: `${row.shadow ? 'shadow ' : ''}lockdown, raid score ${request.score.toFixed(2)}: ${applied.steps.join('; ')}`,
    });
  });
}

async function snapshot(
  deps: LockdownDeps,
  request: LockdownRequest,
  settings: LockdownSettings,
): Promise<PriorState> {
  const [guild, channels] = await Promise.all([
    deps.discord.guildState(request.guildId),
    deps.discord.listChannels(request.guildId),
  ]);
  return snapshotPriorState(request.guildId, guild, lockdownChannels(settings, request.guildId, channels), {
    joinsLastMinute: request.joinsLastMinute,
    topInvite: request.topInvite,
  });
}

function describeShadow(plan: LockdownPlan, prior: PriorState): string[] {
  const lines = [
    plan.pauseInvites ? 'would pause invites' : null,
    plan.pauseDms ? 'would pause DMs' : null,
    plan.verificationLevel !== null
      ? `would raise the verification level ${prior.verificationLevel} → ${plan.verificationLevel}`
      : null,
    plan.slowmode.length > 0
      ? `would set slowmode ${plan.slowmode[0]?.seconds} s in ${plan.slowmode.length} channels`
      : null,
    plan.denySend.length > 0 ? `would deny send messages in ${plan.denySend.length} channels` : null,
    plan.denySendHeldBack,
  ];
  return ['shadow mode: nothing changed on Discord', ...lines.filter((l) => l !== null)];
}

async function applyPlan(
  deps: LockdownDeps,
  row: LockdownRow,
  request: LockdownRequest,
  plan: LockdownPlan,
  prior: PriorState,
): Promise<{ steps: string[]; quarantined: string[] }> {
  const guildId = row.guild_id;
  const why = `Chat Guard lockdown ${row.id} (raid score ${request.score.toFixed(2)})`;
  const steps: string[] = [];
  if (plan.pauseInvites) {
    const until = Math.min(request.requestedAt, deps.now()) + INVITE_PAUSE_MS;
    const paused = await pauseInvites(deps, row, { step: 'invites', target: guildId }, until);
    steps.push(
      describeGuildStep(paused, 'invites paused (renewed while the lockdown holds)', 'invite pause'),
    );
  }
  if (plan.pauseDms) {
    const until = Math.min(request.requestedAt, deps.now()) + INVITE_PAUSE_MS;
    const paused = await pauseInvites(deps, row, { step: 'dms', target: guildId }, until, {
      invites: false,
      dms: true,
    });
    steps.push(describeGuildStep(paused, 'DMs paused (renewed while the lockdown holds)', 'DM pause'));
  }
  const level = plan.verificationLevel;
  if (level !== null) {
    const raised = await runLockdownStep(
      deps,
      row,
      {
        step: 'verification',
        target: guildId,
        reason: `verification level ${prior.verificationLevel} → ${level}`,
      },
      () => deps.discord.setVerificationLevel(guildId, level, why),
    );
    steps.push(
      describeGuildStep(
        raised,
        `verification level ${prior.verificationLevel} → ${level}`,
        'verification level',
      ),
    );
  }

  const slowed: TargetOutcome[] = [];
  for (const { channel, seconds } of plan.slowmode) {
    const outcome = await runLockdownStep(
      deps,
      row,
      { step: 'slowmode', target: channel.id, reason: `slowmode ${seconds} s in #${channel.name}` },
      () => deps.discord.setSlowmode(channel.id, seconds, why),
    );
    slowed.push({ target: `#${channel.name}`, outcome });
  }
  const seconds = plan.slowmode[0]?.seconds;
  steps.push(
    ...describeTargets(slowed, {
      done: (n) => `slowmode ${seconds} s in ${n}`,
      step: 'slowmode',
      noun: 'channel',
    }),
  );

  const denied: TargetOutcome[] = [];
  for (const { channel, overwrite } of plan.denySend) {
    const outcome = await runLockdownStep(
      deps,
      row,
      { step: 'deny-send', target: channel.id, reason: `@everyone may not send in #${channel.name}` },
      () => deps.discord.putOverwrite(channel.id, { id: guildId, type: 0, ...overwrite }, why),
    );
    denied.push({ target: `#${channel.name}`, outcome });
  }
  steps.push(
    ...describeTargets(denied, {
      done: (n) => `send messages denied in ${n}`,
      step: 'send messages',
      noun: 'channel',
    }),
  );
  if (plan.denySendHeldBack) steps.push(plan.denySendHeldBack);

  const quarantined: string[] = [];
  if (plan.quarantineMinutes > 0) {
    const results: TargetOutcome[] = [];
    for (const userId of request.suspectIds) {
      const outcome = await runLockdownStep(
        deps,
        row,
        {
          step: 'quarantine',
          target: userId,
          userId,
          reason: `quarantined ${plan.quarantineMinutes} min: a raid suspect (joined in the raid window or posted spam as a newcomer)`,
        },
        () => deps.discord.timeoutMember(guildId, userId, deps.now() + plan.quarantineMinutes * 60_000, why),
      );
      results.push({ target: userId, outcome });
      if (outcome.status === 'done') quarantined.push(userId);
    }
    steps.push(
      ...describeTargets(results, {
        done: (n) => `quarantined ${n} for ${plan.quarantineMinutes} min`,
        step: 'quarantine',
        noun: 'account',
      }),
    );
  }
  return { steps, quarantined };
}
