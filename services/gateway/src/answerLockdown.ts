import type { EventBus } from '@chat-guard/bus';
import { lockdownOfGuild } from '@chat-guard/enforcer/lockdowns';
import type { LockdownAnswer } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { decideLockdownClick, describeAnswer, type LockdownClick } from './lockdownButton.ts';

export interface LockdownAnswerDeps {
  readonly db: Kysely<Database>;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly now: () => number;
}

export interface AnswerRequest {
  readonly guildId: string;
  readonly lockdownId: string;
  readonly answer: LockdownAnswer;
  readonly moderatorId: string;
  /** The interaction's id: one click, one effect. */
  readonly requestId: string;
}

/**
 * Checks the lockdown is there to answer, then asks the enforcer to act on the answer; returns
 * the (ephemeral) reply. The interaction id dedupes the event, so a replayed click acts once.
 */
export async function answerLockdown(deps: LockdownAnswerDeps, request: AnswerRequest): Promise<string> {
  const row = await lockdownOfGuild(deps.db, request.guildId, request.lockdownId);
  const described = describeAnswer(
    request.answer,
    row && { status: row.status, quarantined: row.quarantined.length },
  );
  if (!described.ok) return described.reply;
  await deps.bus.publish('lockdown.answered', {
    guildId: request.guildId,
    lockdownId: request.lockdownId,
    answer: request.answer,
    moderatorId: request.moderatorId,
    requestId: request.requestId,
    answeredAt: deps.now(),
  });
  return described.reply;
}

/** A click on a lockdown alert's button: refused with the reason, or passed on to the enforcer. */
export async function answerLockdownButton(
  deps: LockdownAnswerDeps,
  click: LockdownClick & { readonly userId: string; readonly interactionId: string },
): Promise<string> {
  const decision = decideLockdownClick(click);
  if (decision.kind === 'refuse') return decision.reply;
  return answerLockdown(deps, {
    guildId: click.guildId,
    lockdownId: decision.lockdownId,
    answer: decision.answer,
    moderatorId: click.userId,
    requestId: click.interactionId,
  });
}
