import type { EventPayload, LockdownAnswer } from '@chat-guard/events';
import { describeGuildStep, describeTargets, type TargetOutcome } from './describeLockdownSteps.ts';
import { FALSE_ALARM_SUPPRESS_MS, liftLockdown, quarantinedBy } from './liftLockdown.ts';
import {
  type LockdownRow,
  readLockdown,
  stepsTaken,
  storeRaidLabel,
  withLockdownLock,
} from './lockdownRecords.ts';
import { auditLockdown, type LockdownDeps, lockdownAlert, runLockdownStep } from './lockdownSteps.ts';
import { INVITE_PAUSE_MS, pausedBy, pauseInvites } from './pauseInvites.ts';
import { endSharedLockdown, holdSharedLockdown } from './sharedLockdownState.ts';

export type LockdownAnswered = EventPayload<'lockdown.answered'>;

/** How long "extend" holds a lockdown against the detector's lift. */
export const EXTEND_MS = 60 * 60_000;

/** The label each answer leaves beside the join history: only "false alarm" says it was not a raid. */
export const ANSWER_LABELS: Record<LockdownAnswer, 'raid' | 'false-alarm'> = {
  'confirm-ban': 'raid',
  'confirm-kick': 'raid',
  extend: 'raid',
  lift: 'raid',
  'false-alarm': 'false-alarm',
};

/** The lockdown an answer is about is not recorded (yet): retried until its request is handled. */
export class LockdownNotFoundError extends Error {
  readonly retryable = true;
  constructor(readonly lockdownId: string) {
    super(`lockdown ${lockdownId} is not recorded (yet)`);
    this.name = 'LockdownNotFoundError';
  }
}

/**
 * Carries out an admin's answer to a lockdown alert — ban or kick the quarantined accounts,
 * extend the hold, lift, or lift and release after a false alarm — and stores it as a label.
 */
export async function answerLockdown(deps: LockdownDeps, answer: LockdownAnswered): Promise<void> {
  await withLockdownLock(deps, answer.lockdownId, async (deps) => {
    const row = await readLockdown(deps.db, answer.lockdownId);
    if (!row) throw new LockdownNotFoundError(answer.lockdownId);
    const after = await carryOut(deps, row, answer);
    await storeRaidLabel(deps.db, after, {
      answer: answer.answer,
      label: ANSWER_LABELS[answer.answer],
      by: answer.moderatorId,
      windowEnd: after.lifted_at?.getTime() ?? answer.answeredAt,
      at: answer.answeredAt,
    });
    await auditLockdown(deps, {
      guildId: row.guild_id,
      lockdownId: row.id,
      action: 'lockdown.answered',
      key: `answer:${answer.requestId}`,
      actorId: answer.moderatorId,
      reason: `${answer.answer}, labelled ${ANSWER_LABELS[answer.answer]}`,
    });
  });
}

async function carryOut(
  deps: LockdownDeps,
  row: LockdownRow,
  answer: LockdownAnswered,
): Promise<LockdownRow> {
  switch (answer.answer) {
    case 'confirm-ban':
    case 'confirm-kick':
      await confirm(deps, row, answer);
      return row;
    case 'extend':
      return extend(deps, row, answer);
    case 'lift':
    case 'false-alarm': {
      const falseAlarm = answer.answer === 'false-alarm';
      const lifted = await liftLockdown(deps, row, {
        by: answer.moderatorId,
        at: answer.answeredAt,
        release: falseAlarm,
      });
      const suppressedUntil = falseAlarm ? answer.answeredAt + FALSE_ALARM_SUPPRESS_MS : null;
      await endSharedLockdown(deps.redis, row.guild_id, row.id, suppressedUntil, answer.answeredAt);
      return lifted;
    }
  }
}

/** Bans or kicks each quarantined account once, however many admins confirm. */
async function confirm(deps: LockdownDeps, row: LockdownRow, answer: LockdownAnswered): Promise<void> {
  const ban = answer.answer === 'confirm-ban';
  const results: TargetOutcome[] = [];
  for (const userId of quarantinedBy(row, await stepsTaken(deps.db, row.id))) {
    const reason = `Chat Guard lockdown ${row.id}: raid confirmed by ${answer.moderatorId}`;
    const outcome = await runLockdownStep(
      deps,
      row,
      {
        step: ban ? 'ban' : 'kick',
        target: userId,
        userId,
        actorId: answer.moderatorId,
        reason: 'raid confirmed: joined in the raid window',
      },
      () =>
        ban
          ? deps.discord.banMember(row.guild_id, userId, reason)
          : deps.discord.kickMember(row.guild_id, userId, reason),
    );
    results.push({ target: userId, outcome });
  }
  const steps = describeTargets(results, {
    done: (n) => `${ban ? 'banned' : 'kicked'} ${n}`,
    step: ban ? 'ban' : 'kick',
    noun: 'account',
  });
  if (results.length === 0) steps.push('no quarantined account to act on');
  await deps.alert(
    lockdownAlert(row, { kind: 'confirmed', steps, by: answer.moderatorId, at: answer.answeredAt }),
  );
}

/** Holds the lockdown an hour past the answer, in PostgreSQL and for the detector, and renews the invite pause. */
async function extend(deps: LockdownDeps, row: LockdownRow, answer: LockdownAnswered): Promise<LockdownRow> {
  if (row.status !== 'active') {
    await auditLockdown(deps, {
      guildId: row.guild_id,
      lockdownId: row.id,
      action: 'lockdown.ignored',
      key: `extend:${answer.requestId}`,
      actorId: answer.moderatorId,
      reason: 'extend: the lockdown was already lifted',
    });
    return row;
  }
  const holdUntil = answer.answeredAt + EXTEND_MS;
  const held = await deps.db
    .updateTable('lockdown')
    .set((eb) => ({ hold_until: eb.fn('greatest', [eb.ref('hold_until'), eb.val(new Date(holdUntil))]) }))
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await holdSharedLockdown(
    deps.redis,
    row.guild_id,
    { id: row.id, since: row.started_at.getTime() },
    holdUntil,
  );
  const steps = [`held until ${new Date(holdUntil).toISOString().slice(11, 16)} UTC`];
  if (!row.shadow && row.invites_paused_until !== null) {
    const renewed = await pauseInvites(
      deps,
      row,
      { step: 'renew-invites', target: answer.requestId, actorId: answer.moderatorId },
      Math.min(answer.answeredAt, deps.now()) + INVITE_PAUSE_MS,
      await pausedBy(deps, row),
    );
    steps.push(describeGuildStep(renewed, 'invite pause renewed', 'invite pause'));
  }
  const latest = (await readLockdown(deps.db, row.id)) ?? held;
  await deps.alert(
    lockdownAlert(latest, { kind: 'extended', steps, by: answer.moderatorId, at: answer.answeredAt }),
  );
  return latest;
}
