import type { EventPayload } from '@chat-guard/events';
import { runOnce } from './actionLedger.ts';
import type { EnforcerDeps } from './enforceVerdict.ts';

/** Carries out a moderator's /unmute once, and audits it (or Discord's refusal) in their name. */
export async function liftTimeout(deps: EnforcerDeps, request: EventPayload<'admin.unmute'>): Promise<void> {
  const key = `unmute:${request.requestId}`;
  const outcome = await runOnce(deps.db, { key, guildId: request.guildId, kind: 'member.unmute' }, () =>
    deps.discord.liftTimeout(
      request.guildId,
      request.userId,
      `/unmute by ${request.moderatorId}: ${request.reason}`,
    ),
  );
  const failed = outcome.status === 'failed';
  await deps.audit({
    guildId: request.guildId,
    action: failed ? 'action.failed' : 'member.unmute',
    actorId: request.moderatorId,
    targetId: request.userId,
    reason: (failed ? `member.unmute refused: ${outcome.reason}` : request.reason).slice(0, 500),
    details: failed ? { attempted: 'member.unmute' } : {},
    idempotencyKey: key,
    at: deps.now(),
  });
}
