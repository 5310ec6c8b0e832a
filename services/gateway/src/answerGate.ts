import type { EventBus } from '@chat-guard/bus';
import { gateForAnswer } from '@chat-guard/enforcer/lockdowns';
import type { GuildConfig } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { runLockdownQuery } from './commands/lockdownCommand.ts';
import { decideGateClick, type GateClick } from './gateButton.ts';

export interface GateAnswerDeps {
  readonly db: Kysely<Database>;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly config: (guildId: string) => GuildConfig;
  readonly now: () => number;
}

/**
 * A click on a gate alert's button. "Lock down now" is an admin's confirmation: it starts the
 * full lockdown exactly as `/lockdown start` does. "End gate" asks for `gate.ended` in the
 * admin's name (one per gate, however many clicks). Returns the ephemeral reply.
 */
export async function answerGateButton(
  deps: GateAnswerDeps,
  click: GateClick & { readonly userId: string; readonly interactionId: string },
): Promise<string> {
  const decision = decideGateClick(click);
  if (decision.kind === 'refuse') return decision.reply;
  const gate = await gateForAnswer(deps.db, click.guildId, decision.gateId);
  if (!gate) return 'There is no such gate on record; nothing was done.';
  if (decision.kind === 'lockdown') {
    return runLockdownQuery(deps, {
      guildId: click.guildId,
      userId: click.userId,
      interactionId: click.interactionId,
      subcommand: 'start',
      options: { reason: `confirmed from the gate alert of ${decision.gateId}` },
    });
  }
  if (gate.status === 'ended') return 'That gate has already ended; nothing was done.';
  // The request first, so the chain reads request then end.
  await deps.bus.publish('audit.recorded', {
    guildId: click.guildId,
    action: 'gate.end_requested',
    actorId: click.userId,
    targetId: null,
    reason: 'End gate clicked on the gate alert',
    details: { gateId: decision.gateId },
    idempotencyKey: `gate:${decision.gateId}:end-requested`,
    at: deps.now(),
  });
  await deps.bus.publish('gate.ended', {
    guildId: click.guildId,
    gateId: decision.gateId,
    score: gate.score,
    reasons: gate.reasons,
    endedBy: click.userId,
    endedAt: deps.now(),
  });
  return 'The gate ends: newcomers no longer need to verify for this alert, and a verification level Chat Guard raised goes back.';
}
