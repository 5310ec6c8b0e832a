import type { DiscordPort } from '@chat-guard/discord';
import type { EventPayload, GateSettings, GuildConfig, LockdownSettings } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { runOnce } from './actionLedger.ts';
import { shortReason } from './describeLockdownSteps.ts';
import { type AuditPayload, BOT_ACTOR } from './enforceVerdict.ts';
import { keepElsewhere, takeOverFromLockdown } from './gateHandover.ts';
import {
  type GateEnded,
  type GateStarted,
  type GateStepRow,
  gateKey,
  keepPriorLevel,
  ledgerTaken,
  readGate,
  recordEndedBeforeStart,
  recordGate,
} from './gateRecords.ts';
import { withAdvisoryLock } from './lockdownRecords.ts';

export type GateAlert = EventPayload<'gate.alert'>;

export interface GateDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<DiscordPort, 'guildState' | 'setVerificationLevel'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly audit: (entry: AuditPayload) => Promise<void>;
  /** Publishes `gate.alert` for the log-writer. */
  readonly gateAlert: (alert: GateAlert) => Promise<void>;
  readonly now: () => number;
}

/** The level the gentle step raises to when the lockdown profile names none: High. */
export const DEFAULT_GATE_LEVEL = 3;

/** Whether the member gate itself holds newcomers back in this mode (then nothing changes on Discord). */
export function verifierGates(mode: GateSettings['mode']): boolean {
  return mode === 'always' || mode === 'on-alert';
}

/** One gate transition of a guild at a time (two gates, or a start and an end, never interleave). */
function withGateLock<T>(deps: GateDeps, guildId: string, task: (deps: GateDeps) => Promise<T>): Promise<T> {
  return withAdvisoryLock(deps, `gate:${guildId}`, task);
}

/**
 * `gate.started`: where the member gate will not catch newcomers (mode `off` or `rules`), raises
 * the verification level to the lockdown profile's (or High) if it is lower, remembering the
 * level it replaced; otherwise changes nothing. Audits and alerts. Existing members and invites
 * are never touched. Safe to repeat: the snapshot is kept once and the raise runs once.
 */
export async function onGateStarted(deps: GateDeps, event: GateStarted): Promise<void> {
  await withGateLock(deps, event.guildId, async (deps) => {
    const config = deps.config(event.guildId);
    const row = await recordGate(deps.db, event, config.gate.mode);
    if (row.status === 'ended') return; // ended before (or while) this delivery: nothing to start
    const step = row.step ?? (await takeStep(deps, row, config.lockdown));
    await deps.db.updateTable('gate_step').set({ step }).where('gate_id', '=', row.gate_id).execute();
    await deps.audit({
      guildId: row.guild_id,
      action: 'gate.start',
      actorId: BOT_ACTOR,
      targetId: null,
      reason: `raid suspected, score ${row.score.toFixed(2)}; newcomers must verify: ${step}`.slice(0, 500),
      details: {
        gateId: row.gate_id,
        mode: row.mode,
        score: row.score,
        reasons: row.reasons.join('; ').slice(0, 1000),
        joinsLastMinute: row.joins_last_minute,
        step,
      },
      idempotencyKey: `gate:${row.gate_id}:start`,
      at: row.started_at.getTime(),
    });
    await deps.gateAlert(gateAlert(row, { kind: 'started', step, by: null, at: row.started_at.getTime() }));
  });
}

async function takeStep(
  deps: GateDeps,
  row: GateStepRow,
  profile: Pick<LockdownSettings, 'mode' | 'verificationLevel'>,
): Promise<string> {
  if (verifierGates(row.mode))
    return `newcomers must pass the member gate (mode ${row.mode}); nothing changed on Discord`;
  const target = profile.verificationLevel ?? DEFAULT_GATE_LEVEL;
  // Shadow mode promises that the detector changes nothing on Discord (unless a raise began before).
  if (profile.mode === 'shadow' && row.prior_level === null) {
    const current = (await deps.discord.guildState(row.guild_id)).verificationLevel;
    return current < target
      ? `shadow mode: would raise the verification level ${current} → ${target}; nothing changed`
      : `shadow mode: verification level already ${current}; nothing changed`;
  }
  if (row.prior_level === null) {
    const takenOver = await takeOverFromLockdown(deps, row, target);
    if (takenOver) return takenOver;
  }
  const snapshot =
    row.prior_level === null
      ? await keepPriorLevel(
          deps.db,
          row.gate_id,
          (await deps.discord.guildState(row.guild_id)).verificationLevel,
          target,
        )
      : row;
  const prior = snapshot.prior_level ?? 0;
  const raiseTo = snapshot.raised_to;
  if (raiseTo === null) return `verification level already ${prior} (at least ${target}): nothing changed`;
  const key = gateKey(row, 'verification');
  const outcome = await runOnce(deps.db, { key, guildId: row.guild_id, kind: 'gate.verification' }, () =>
    deps.discord.setVerificationLevel(
      row.guild_id,
      raiseTo,
      `Chat Guard gate ${row.gate_id}: raid suspected (score ${row.score.toFixed(2)}), newcomers must verify`,
    ),
  );
  if (outcome.status === 'done') return `verification level ${prior} → ${raiseTo}`;
  await deps.db
    .updateTable('gate_step')
    .set({ raised_to: null })
    .where('gate_id', '=', row.gate_id)
    .execute();
  await auditRefused(deps, row, key, 'gate.verification', outcome.reason);
  return `verification level: refused (${shortReason(outcome.reason)}); nothing changed, newcomers are not held back`;
}

/**
 * `gate.ended`: puts the verification level back, but only if it is still the one the step set;
 * when an active lockdown will restore the guild later (or another gate still holds), hands the
 * prior level over to it instead. Audits (with who ended it) and alerts. Safe to repeat.
 */
export async function onGateEnded(deps: GateDeps, event: GateEnded): Promise<void> {
  await withGateLock(deps, event.guildId, async (deps) => {
    const known = await readGate(deps.db, event.gateId);
    const row = !known
      ? await recordEndedBeforeStart(deps.db, event, deps.config(event.guildId).gate.mode)
      : known.status === 'ended'
        ? known
        : await endGate(deps, known, event);
    const endStep = row.end_step ?? 'nothing to restore';
    const endedAt = row.ended_at?.getTime() ?? event.endedAt;
    const by = row.ended_by ?? event.endedBy;
    await deps.audit({
      guildId: row.guild_id,
      action: 'gate.end',
      actorId: by === 'detector' ? BOT_ACTOR : by,
      targetId: null,
      reason:
        `gate ended by ${by === 'detector' ? 'the raid detector (quiet again)' : `<@${by}>`}: ${endStep}`.slice(
          0,
          500,
        ),
      details: { gateId: row.gate_id, endedBy: by, score: event.score, step: endStep },
      idempotencyKey: `gate:${row.gate_id}:end`,
      at: endedAt,
    });
    await deps.gateAlert(gateAlert(row, { kind: 'ended', step: endStep, by, at: endedAt }));
  });
}

async function endGate(deps: GateDeps, row: GateStepRow, event: GateEnded): Promise<GateStepRow> {
  const ended = { status: 'ended' as const, ended_at: new Date(event.endedAt), ended_by: event.endedBy };
  const finish = async (end_step: string, handed_to: string | null = null) => {
    await deps.db
      .updateTable('gate_step')
      .set({ ...ended, end_step, handed_to })
      .where('gate_id', '=', row.gate_id)
      .execute();
    return (await readGate(deps.db, row.gate_id)) ?? row;
  };
  const raised = row.raised_to;
  const prior = row.prior_level;
  if (raised === null || prior === null || !(await ledgerTaken(deps.db, gateKey(row, 'verification'))))
    return finish(
      row.mode === 'on-alert'
        ? 'the member gate stops gating newcomers for this alert'
        : row.mode === 'always'
          ? 'nothing to restore (the member gate keeps gating: mode always)'
          : 'nothing to restore',
    );
  const restoreKey = gateKey(row, 'restore-verification');
  // A restore begun before a restart is finished, whatever the level reads now.
  if (!(await ledgerTaken(deps.db, restoreKey))) {
    const kept = await keepElsewhere(deps, row, raised, prior, ended, finish);
    if (kept) return kept;
  }
  const outcome = await runOnce(
    deps.db,
    { key: restoreKey, guildId: row.guild_id, kind: 'gate.restore_verification' },
    () =>
      deps.discord.setVerificationLevel(
        row.guild_id,
        prior,
        `Chat Guard gate ${row.gate_id} ended by ${event.endedBy}`,
      ),
  );
  if (outcome.status === 'done') return finish(`verification level back to ${prior}`);
  await auditRefused(deps, row, restoreKey, 'gate.restore_verification', outcome.reason);
  return finish(`verification level: restore refused (${shortReason(outcome.reason)}); still ${raised}`);
}

async function auditRefused(
  deps: GateDeps,
  row: GateStepRow,
  key: string,
  attempted: string,
  reason: string,
): Promise<void> {
  await deps.audit({
    guildId: row.guild_id,
    action: 'action.failed',
    actorId: BOT_ACTOR,
    targetId: null,
    reason: `${attempted} refused: ${reason}`.slice(0, 500),
    details: { gateId: row.gate_id, attempted },
    idempotencyKey: key,
    at: deps.now(),
  });
}

/** The alert of one transition of a gate, from stored values, so a redelivery repeats it exactly. */
export function gateAlert(
  row: GateStepRow,
  news: { kind: GateAlert['kind']; step: string; by: string | null; at: number },
): GateAlert {
  return {
    guildId: row.guild_id,
    gateId: row.gate_id,
    kind: news.kind,
    mode: row.mode,
    score: row.score,
    reasons: row.reasons.slice(0, 20).map((r) => r.slice(0, 200)),
    joinsLastMinute: row.joins_last_minute,
    step: news.step.slice(0, 300),
    by: news.by,
    at: news.at,
  };
}
