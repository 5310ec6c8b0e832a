import type { DiscordPort } from '@chat-guard/discord';
import type { EventPayload, GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import type { ActionOutcome } from './actionLedger.ts';
import { describeViolations } from './describeViolations.ts';
import type { MessageDeletions } from './messageDeletions.ts';
import type { Verdict } from './violationStore.ts';

export type AuditPayload = EventPayload<'audit.recorded'>;
/** A deleted verdict's follow-ups, owed and durable on the bus. */
export type VerdictFollowUp = EventPayload<'verdict.enforced'>;

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

/** What acting on a verdict needs: the shared deletions, and where its follow-ups go. */
export interface VerdictDeps {
  /** Deletes each message once, in bulk per channel when messages queue. */
  readonly deletions: MessageDeletions;
  /** Makes the follow-ups durable (the service publishes `verdict.enforced`); resolves once stored. */
  readonly followUp: (followUp: VerdictFollowUp) => Promise<void>;
}

/** How the enforcer reaches a member in private. */
export interface MemberDm {
  send(userId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<void>;
  guildName(guildId: string): Promise<string>;
}

export const BOT_ACTOR = 'chat-guard';

/** The schema's bound on a refusal's reason; the audit keeps 500 characters of it anyway. */
const REASON_MAX = 500;

/** The ledger key of a verdict's deletion, shared with its follow-up's audit entry. */
export function deleteKeyOf(verdict: Verdict): string {
  return `delete:${verdict.messageId}:${verdict.revision}`;
}

/**
 * Acts on a verdict's durable part: deletes the message once (the ledger claim, then the call, in
 * bulk with the channel's other queued deletions), then hands the rest (the case, the warning or
 * timeout, the audit entries) to `followUp`, which stores it before this resolves. The verdict can
 * be acknowledged then: a crash after that loses nothing, and a redelivery neither deletes again
 * (the ledger) nor owes the follow-ups twice (same dedupe id, and each follow-up step runs once).
 */
export async function enforceVerdict(deps: VerdictDeps, verdict: Verdict): Promise<void> {
  const deleted = await deps.deletions.delete({
    key: deleteKeyOf(verdict),
    guildId: verdict.guildId,
    channelId: verdict.channelId,
    messageId: verdict.messageId,
    reason: `Chat Guard: ${describeViolations(verdict.violations.map((v) => v.type))}`,
  });
  await deps.followUp({ verdict, deletion: boundedOutcome(deleted) });
}

function boundedOutcome(outcome: ActionOutcome): ActionOutcome {
  return outcome.status === 'done'
    ? outcome
    : { status: 'failed', reason: outcome.reason.slice(0, REASON_MAX) };
}
