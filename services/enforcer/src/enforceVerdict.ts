import type { DiscordPort } from '@chat-guard/discord';
import type { EventPayload, GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import { type ActionOutcome, runOnce } from './actionLedger.ts';
import { APPEALABLE_ACTIONS } from './appealRules.ts';
import { describeViolations, warningText } from './describeViolations.ts';
import { actionNotice } from './memberNotice.ts';
import type { MessageDeletions } from './messageDeletions.ts';
import { type Escalation, escalationPolicy } from './nextEscalation.ts';
import type { ViolationBatches } from './violationBatches.ts';
import type { Verdict } from './violationStore.ts';

export type AuditPayload = EventPayload<'audit.recorded'>;

export interface EnforcerDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<
    DiscordPort,
    'deleteMessage' | 'bulkDeleteMessages' | 'timeoutMember' | 'liftTimeout' | 'sendMessage'
  >;
  readonly config: (guildId: string) => GuildConfig;
  readonly audit: (entry: AuditPayload) => Promise<void>;
  readonly now: () => number;
  /** Tells a timed-out member by DM (with an Appeal button); without it nobody is told. */
  readonly memberDm?: MemberDm;
}

/** What acting on verdicts needs beyond the enforcer's deps: the shared batches. */
export interface VerdictDeps extends EnforcerDeps {
  /** Deletes each message once, in bulk per channel when messages queue. */
  readonly deletions: MessageDeletions;
  /** Records the cases, per guild in batches. */
  readonly violations: ViolationBatches;
}

/** How the enforcer reaches a member in private. */
export interface MemberDm {
  send(userId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<void>;
  guildName(guildId: string): Promise<string>;
}

export const BOT_ACTOR = 'chat-guard';

/** A short, stable nonce for a key, so a retried warning is created once (Discord: at most 25 chars). */
function nonceFor(key: string): string {
  let hash = 0n;
  for (const char of key) hash = (hash * 131n + BigInt(char.codePointAt(0) ?? 0)) % 2n ** 63n;
  return hash.toString(36);
}

/**
 * Acts on a verdict: deletes the message first (one ledger statement, then the call, in bulk
 * with the channel's other queued deletions), then records the case and warns or times the
 * member out as the escalation decides, unless that is folded into what they were told within
 * the notice window. Every step runs once per key, whatever the redeliveries, and is audited.
 */
export async function enforceVerdict(deps: VerdictDeps, verdict: Verdict): Promise<void> {
  const config = deps.config(verdict.guildId);
  const types = verdict.violations.map((v) => v.type);
  const what = describeViolations(types);
  const ref = `${verdict.messageId}:${verdict.revision}`;
  const deleteKey = `delete:${ref}`;
  const deleted = await deps.deletions.delete({
    key: deleteKey,
    guildId: verdict.guildId,
    channelId: verdict.channelId,
    messageId: verdict.messageId,
    reason: `Chat Guard: ${what}`,
  });

  const { escalation, caseNumber, notice } = await deps.violations.record(verdict, escalationPolicy(config));
  const details = {
    messageId: verdict.messageId,
    channelId: verdict.channelId,
    contentHash: verdict.contentHash,
    violations: types.join(','),
    count: escalation.count,
    caseNumber,
  };
  const record = async (
    key: string,
    action: string,
    outcome: ActionOutcome,
    extra: Record<string, string> = {},
  ) => {
    const failed = outcome.status === 'failed';
    await deps.audit({
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
  const recorded = record(deleteKey, 'message.delete', deleted, folded);
  if (notice === 'folded') return recorded;
  await Promise.all([recorded, tell(deps, verdict, { escalation, caseNumber, what, ref }, record)]);
}

type AuditStep = (
  key: string,
  action: string,
  outcome: ActionOutcome,
  extra?: Record<string, string>,
) => Promise<void>;

/** Warns or times out the member for the violation, once, and audits it. */
async function tell(
  deps: VerdictDeps,
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
    await record(key, 'member.warn', warned);
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
  await record(key, 'member.timeout', timedOut, { until, ...(dm ? { dm } : {}) });
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
