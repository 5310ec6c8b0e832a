import type { EventPayload } from '@chat-guard/events';
import type { VerificationStore } from './verificationStore.ts';

/** The detector's gentle step began: `on-alert` guilds gate newcomers from now on (kept in PostgreSQL). */
export async function openRaidGate(
  store: VerificationStore,
  started: EventPayload<'gate.started'>,
): Promise<void> {
  await store.saveGuild(started.guildId, {
    gate_id: started.gateId,
    gate_started_at: new Date(started.startedAt),
  });
}

/** It ended: newcomers are admitted again. An `ended` for an older gate changes nothing. */
export async function closeRaidGate(
  store: VerificationStore,
  ended: EventPayload<'gate.ended'>,
): Promise<boolean> {
  return store.endRaidGate(ended.guildId, ended.gateId);
}
