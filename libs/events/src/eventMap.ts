import type { z } from 'zod';
import { appealDecided, appealSubmitted, caseReasonEdited, moderationRequested } from './caseEvents.ts';
import {
  guildAvailable,
  interactionCreated,
  inviteCreated,
  inviteDeleted,
  memberJoined,
  memberLeft,
  memberUpdated,
  messageCreated,
  messageDeleted,
  messageUpdated,
  newcomerPosted,
} from './discordEvents.ts';
import { gateAlert, gateAlertPosted, gateEnded, gateStarted, raidScored } from './gateEvents.ts';
import {
  lockdownAlert,
  lockdownAlertPosted,
  lockdownAnswered,
  lockdownLifted,
  lockdownRequested,
} from './lockdownEvents.ts';
import {
  auditRecorded,
  configChanged,
  unmuteRequested,
  verdictEnforced,
  violationDetected,
} from './moderationEvents.ts';
import { memberAttributed } from './signalEvents.ts';
import {
  verificationExpired,
  verificationFailed,
  verificationFlagged,
  verificationPassed,
  verificationStarted,
} from './verificationEvents.ts';

/** Every event that crosses NATS, keyed by name. Publishing and consuming are typed by this map. */
export const eventMap = {
  'message.created': messageCreated,
  'message.updated': messageUpdated,
  'message.deleted': messageDeleted,
  'newcomer.posted': newcomerPosted,
  'member.joined': memberJoined,
  'member.left': memberLeft,
  'member.updated': memberUpdated,
  'invite.created': inviteCreated,
  'invite.deleted': inviteDeleted,
  'interaction.created': interactionCreated,
  'guild.available': guildAvailable,
  'verdict.violation': violationDetected,
  'verdict.enforced': verdictEnforced,
  'admin.unmute': unmuteRequested,
  'audit.recorded': auditRecorded,
  'config.changed': configChanged,
  'member.attributed': memberAttributed,
  'lockdown.requested': lockdownRequested,
  'lockdown.lifted': lockdownLifted,
  'lockdown.answered': lockdownAnswered,
  'lockdown.alert': lockdownAlert,
  'lockdown.alert_posted': lockdownAlertPosted,
  'gate.started': gateStarted,
  'gate.ended': gateEnded,
  'gate.alert': gateAlert,
  'gate.alert_posted': gateAlertPosted,
  'raid.scored': raidScored,
  'moderation.requested': moderationRequested,
  'case.reason_edited': caseReasonEdited,
  'appeal.submitted': appealSubmitted,
  'appeal.decided': appealDecided,
  'member.verification.started': verificationStarted,
  'member.verification.passed': verificationPassed,
  'member.verification.failed': verificationFailed,
  'member.verification.expired': verificationExpired,
  'member.verification.flagged': verificationFlagged,
} as const;

export type EventMap = typeof eventMap;
export type EventName = keyof EventMap;
export type EventPayload<N extends EventName> = z.infer<EventMap[N]['schema']>;

const filters = Object.entries(eventMap).map(([name, definition]) => ({
  name: name as EventName,
  tokens: definition.filter.split('.'),
}));

/** The event whose filter matches a concrete subject, if any. */
export function eventNameForSubject(subject: string): EventName | undefined {
  const tokens = subject.split('.');
  for (const filter of filters) {
    if (
      filter.tokens.length === tokens.length &&
      filter.tokens.every((t, i) => t === '*' || t === tokens[i])
    ) {
      return filter.name;
    }
  }
  return undefined;
}
