import { type ActionOutcome, runOnce } from './actionLedger.ts';
import { APPEALABLE_ACTIONS } from './appealRules.ts';
import { describeViolations, warningText } from './describeViolations.ts';
import {
  type AuditPayload,
  BOT_ACTOR,
  deleteKeyOf,
  type EnforcerDeps,
  type VerdictFollowUp,
} from './enforceVerdict.ts';
import { actionNotice } from './memberNotice.ts';
import { type Escalation, escalationPolicy } from './nextEscalation.ts';
import type { ViolationBatches } from './violationBatches.ts';
import type { Verdict } from './violationStore.ts';

/** What a verdict's follow-ups need beyond the enforcer's deps: the case batches. */
export interface FollowUpDeps extends EnforcerDeps {
  /** Records the cases, per guild in batches. */
  readonly violations: ViolationBatches;
}

type AuditStep = (
  key: string,
  action: string,
  outcome: ActionOutcome,
  extra?: Record<string, string>,
) => void;

/**
 * Carries out what a deleted verdict still owes: records its case, audits the deletion, and warns
 * or times the member out as the escalation decides, unless that is folded into what they were
 * told within the notice window. Every step runs once per key whatever the redeliveries (the case
 * by the verdict's key, the notice through the action ledger, the audit by its idempotency key).
 */
export async function followUpVerdict(deps: FollowUpDeps, followUp: VerdictFollowUp): Promise<void> {
  const { verdict, deletion } = followUp;
  const config = deps.config(verdict.guildId);
  const types = verdict.violations.map((v) => v.type);
  const what = describeViolations(types);
  const { escalation, caseNumber, notice } = await deps.violations.record(verdict, escalationPolicy(config));
  const details = {
    messageId: verdict.messageId,
    channelId: verdict.channelId,
    contentHash: verdict.contentHash,
    violations: types.join(','),
    count: escalation.count,
    caseNumber,
  };
  // The entries are written down as each step ends (its time is theirs) and published together
  // once all are done: the log-writer then appends them to the chain in one transaction.
  const entries: AuditPayload[] = [];
  const record: AuditStep = (key, action, outcome, extra = {}) => {
    const failed = outcome.status === 'failed';
    entries.push({
      guildId: verdict.guildId,
      action: failed ? 'action.failed' : action,
      actorId: BOT_ACTOR,
      targetId: verdict.userId,
      reason: failed ? `${action} refused: ${outcome.reason}`.slice(0, 500) : what,
      details: { ...details, ...extra, ...(failed ? { attempted: action } : {}) },
      idempotencyKey: key,
      at: deps.now(),
    });
  };

  const folded = notice === 'folded' ? { notice: 'folded' } : {};
  record(deleteKeyOf(verdict), 'message.delete', deletion, folded);
  try {
    if (notice !== 'folded') {
      const ref = `${verdict.messageId}:${verdict.revision}`;
      await tell(deps, verdict, { escalation, caseNumber, what, ref }, record);
    }
  } finally {
    // Also when telling failed for now: the deletion is audited, and a redelivery tells again.
    await Promise.all(entries.map((entry) => deps.audit(entry)));
  }
}

/** A short, stable nonce for a key, so a retried warning is created once (Discord: at most 25 chars). */
function nonceFor(key: string): string {
  let hash = 0n;
  for (const char of key) hash = (hash * 131n + BigInt(char.codePointAt(0) ?? 0)) % 2n ** 63n;
  return hash.toString(36);
}

/** Warns or times out the member for the violation, once, and audits it. */
async function tell(
  deps: FollowUpDeps,
  verdict: Verdict,
  about: { escalation: Escalation; caseNumber: number; what: string; ref: string },
  record: AuditStep,
): Promise<void> {
  const { escalation, caseNumber, what, ref } = about;
  const config = deps.config(verdict.guildId);
  if (escalation.action === 'warn') {
    const key = `warn:${ref}`;
    const text = warningText(verdict.userId, what, escalation.warningsLeft, config.muteDurationMinute);
    const warned = await runOnce(
      deps.db,
      { key, guildId: verdict.guildId, kind: 'member.warn' },
      async () => {
        await deps.discord.sendMessage(verdict.channelId, {
          content: text,
          allowed_mentions: { users: [verdict.userId] },
          nonce: nonceFor(key),
          enforce_nonce: true,
        });
      },
    );
    record(key, 'member.warn', warned);
    return;
  }
  const key = `timeout:${ref}`;
  const until = new Date(escalation.untilMs).toISOString();
  const timedOut = await runOnce(deps.db, { key, guildId: verdict.guildId, kind: 'member.timeout' }, () =>
    deps.discord.timeoutMember(
      verdict.guildId,
      verdict.userId,
      escalation.untilMs,
      `Chat Guard: ${what} (violation ${escalation.count})`,
    ),
  );
  const dm =
    timedOut.status === 'done'
      ? await notifyTimeout(
          deps,
          verdict,
          caseNumber,
          escalation.untilMs,
          `${what} (violation ${escalation.count})`,
        )
      : null;
  record(key, 'member.timeout', timedOut, { until, ...(dm ? { dm } : {}) });
}

/** DMs the member about an automatic timeout, with an Appeal button when the guild takes appeals. */
async function notifyTimeout(
  deps: EnforcerDeps,
  verdict: Verdict,
  caseNumber: number,
  untilMs: number,
  reason: string,
): Promise<string | null> {
  const config = deps.config(verdict.guildId).moderation;
  const dm = deps.memberDm;
  if (!dm || !config.dmMembers) return null;
  const ref = `${verdict.messageId}:${verdict.revision}`;
  const told = await runOnce(
    deps.db,
    { key: `timeout:${ref}:dm`, guildId: verdict.guildId, kind: 'member.dm' },
    async () =>
      dm.send(
        verdict.userId,
        actionNotice({
          guildId: verdict.guildId,
          guildName: await dm.guildName(verdict.guildId),
          action: 'timeout',
          reason,
          caseNumber,
          untilMs,
          appealable: APPEALABLE_ACTIONS.has('timeout') && config.appealChannelId !== null,
        }),
      ),
  );
  return told.status === 'done' ? 'sent' : `refused: ${told.reason}`.slice(0, 200);
}
