import type { DiscordPort } from '@chat-guard/discord';
import type { EventPayload, GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { type ActionOutcome, runOnce } from './actionLedger.ts';
import { openCase } from './caseStore.ts';
import { type AuditPayload, BOT_ACTOR } from './enforceVerdict.ts';
import { type LockdownRow, priorStateOf } from './lockdownRecords.ts';

export type LockdownAlert = EventPayload<'lockdown.alert'>;

export interface LockdownDeps {
  readonly db: Kysely<Database>;
  /** Where the detector and the enforcer share each guild's lockdown state. */
  readonly redis: Redis;
  readonly discord: Pick<
    DiscordPort,
    | 'guildState'
    | 'listChannels'
    | 'setVerificationLevel'
    | 'setIncidentActions'
    | 'setSlowmode'
    | 'putOverwrite'
    | 'deleteOverwrite'
    | 'timeoutMember'
    | 'liftTimeout'
    | 'banMember'
    | 'kickMember'
  >;
  readonly config: (guildId: string) => GuildConfig;
  readonly audit: (entry: AuditPayload) => Promise<void>;
  /** Publishes `lockdown.alert` for the log-writer. */
  readonly alert: (alert: LockdownAlert) => Promise<void>;
  readonly now: () => number;
}

/** The steps a lockdown takes, as they appear in ledger keys and (with `_`) in audit actions. */
export type LockdownStep =
  | 'verification'
  | 'invites'
  | 'renew-invites'
  | 'dms'
  | 'restore-dms'
  | 'slowmode'
  | 'deny-send'
  | 'quarantine'
  | 'restore-verification'
  | 'restore-invites'
  | 'restore-slowmode'
  | 'restore-permissions'
  | 'release'
  | 'ban'
  | 'kick';

/** The action-ledger key of one step on one target: `lockdown:<lockdownId>:<step>:<target>`. */
export function stepKey(lockdownId: string, step: LockdownStep, target: string): string {
  return `lockdown:${lockdownId}:${step}:${target}`;
}

/** The targets a step was (or may have been) carried out on, out of the ledger's keys. */
export function stepTargets(taken: ReadonlySet<string>, lockdownId: string, step: LockdownStep): string[] {
  const prefix = `lockdown:${lockdownId}:${step}:`;
  return [...taken].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

export interface StepSpec {
  readonly step: LockdownStep;
  readonly target: string;
  /** The member the step acts on, for the audit log. */
  readonly userId?: string;
  readonly actorId?: string;
  readonly reason: string;
  readonly details?: Readonly<Record<string, string | number | null>>;
}

/** The steps that act on one member, and the case action each opens. */
const MEMBER_STEP_CASES: Partial<Record<LockdownStep, string>> = {
  quarantine: 'timeout',
  ban: 'ban',
  kick: 'kick',
};

/**
 * Runs one step of a lockdown once (whatever the redeliveries) and audits how it went; a step
 * that timed out, banned or kicked a member opens a case, as every action does.
 */
export async function runLockdownStep(
  deps: LockdownDeps,
  row: Pick<LockdownRow, 'id' | 'guild_id'>,
  spec: StepSpec,
  perform: () => Promise<void>,
): Promise<ActionOutcome> {
  const key = stepKey(row.id, spec.step, spec.target);
  const action = `lockdown.${spec.step.replaceAll('-', '_')}`;
  const outcome = await runOnce(deps.db, { key, guildId: row.guild_id, kind: action }, perform);
  const failed = outcome.status === 'failed';
  await deps.audit({
    guildId: row.guild_id,
    action: failed ? 'action.failed' : action,
    actorId: spec.actorId ?? BOT_ACTOR,
    targetId: spec.userId ?? null,
    reason: (failed ? `${action} refused: ${outcome.reason}` : spec.reason).slice(0, 500),
    details: {
      lockdownId: row.id,
      target: spec.target,
      ...spec.details,
      ...(failed ? { attempted: action } : {}),
    },
    idempotencyKey: key,
    at: deps.now(),
  });
  const caseAction = MEMBER_STEP_CASES[spec.step];
  if (caseAction && spec.userId && outcome.status === 'done') {
    await openCase(deps.db, {
      guildId: row.guild_id,
      userId: spec.userId,
      actorId: spec.actorId ?? BOT_ACTOR,
      action: caseAction,
      reason: spec.reason,
      rule: `lockdown ${row.id}`,
      counts: false,
      auditKeys: [key],
      idempotencyKey: key,
      createdAt: deps.now(),
    });
  }
  return outcome;
}

/** Audits a moment of a lockdown (started, lifted, ignored…) under its own key. */
export async function auditLockdown(
  deps: LockdownDeps,
  entry: {
    guildId: string;
    lockdownId: string;
    action: string;
    key: string;
    reason: string;
    actorId?: string;
  },
): Promise<void> {
  await deps.audit({
    guildId: entry.guildId,
    action: entry.action,
    actorId: entry.actorId ?? BOT_ACTOR,
    targetId: null,
    reason: entry.reason.slice(0, 500),
    details: { lockdownId: entry.lockdownId },
    idempotencyKey: `lockdown:${entry.lockdownId}:${entry.key}`,
    at: deps.now(),
  });
}

/** The alert for one transition of a lockdown; `at` comes from stored times, so a redelivery repeats it. */
export function lockdownAlert(
  row: LockdownRow,
  news: { kind: LockdownAlert['kind']; steps: readonly string[]; by: string | null; at: number },
): LockdownAlert {
  const prior = priorStateOf(row);
  return {
    guildId: row.guild_id,
    lockdownId: row.id,
    kind: news.kind,
    shadow: row.shadow,
    score: row.score,
    reasons: row.reasons,
    joinsLastMinute: prior?.alert.joinsLastMinute ?? 0,
    topInvite: prior?.alert.topInvite ?? null,
    quarantined: row.quarantined.length,
    steps: news.steps.slice(0, 50).map((s) => s.slice(0, 200)),
    by: news.by,
    holdUntil: row.hold_until?.getTime() ?? null,
    at: news.at,
  };
}
