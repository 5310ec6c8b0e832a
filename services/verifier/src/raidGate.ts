import type { EventPayload } from '@chat-guard/events';
import type { VerificationStore } from './verificationStore.ts';

/**
 * The detector's gentle step began: `on-alert` guilds gate newcomers from now on (kept in
 * PostgreSQL). A late redelivery of a gate that already ended, or an older one, changes nothing.
 */
export function openRaidGate(
  store: VerificationStore,
  started: EventPayload<'gate.started'>,
): Promise<boolean> {
  return store.openRaidGate(started.guildId, started.gateId, new Date(started.startedAt));
}

/** It ended: newcomers are admitted again. An `ended` for another gate changes nothing. */
export function closeRaidGate(store: VerificationStore, ended: EventPayload<'gate.ended'>): Promise<boolean> {
  return store.endRaidGate(ended.guildId, ended.gateId);
}
