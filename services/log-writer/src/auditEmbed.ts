import type { APIEmbed } from 'discord-api-types/v10';
import type { HashedAuditEntry } from './auditHash.ts';

const TITLES: Record<string, { title: string; color: number }> = {
  'message.delete': { title: 'Message deleted', color: 0xf1c40f },
  'member.warn': { title: 'Member warned', color: 0xe67e22 },
  'member.timeout': { title: 'Member timed out', color: 0xe74c3c },
  'member.unmute': { title: 'Timeout lifted', color: 0x2ecc71 },
  'member.kick': { title: 'Member kicked', color: 0xe74c3c },
  'member.ban': { title: 'Member banned', color: 0xc0392b },
  'member.unban': { title: 'Ban lifted', color: 0x2ecc71 },
  'member.note': { title: 'Note added', color: 0x95a5a6 },
  'messages.purge': { title: 'Messages purged', color: 0xf1c40f },
  'case.reason_edit': { title: 'Case reason corrected', color: 0x3498db },
  'appeal.submitted': { title: 'Appeal submitted', color: 0x9b59b6 },
  'appeal.accepted': { title: 'Appeal accepted', color: 0x2ecc71 },
  'appeal.denied': { title: 'Appeal denied', color: 0x95a5a6 },
  'appeal.refused': { title: 'Appeal refused', color: 0x95a5a6 },
  'invites.bonus': { title: 'Bonus invites', color: 0x3498db },
  'action.failed': { title: 'Action refused by Discord', color: 0x95a5a6 },
  'config.update': { title: 'Settings changed', color: 0x3498db },
  'audit.pruned': { title: 'Old audit entries pruned', color: 0x7f8c8d },
  'gate.start': { title: 'Raid suspected: newcomers must verify', color: 0xe67e22 },
  'gate.end_requested': { title: 'Gate end requested', color: 0x3498db },
  'gate.end': { title: 'Gate ended', color: 0x2ecc71 },
};

const FIELD_LIMIT = 1024;

function field(name: string, value: string, inline = true) {
  return { name, value: value.slice(0, FIELD_LIMIT), inline };
}

/** The log-channel embed for an audit entry: what happened, to whom, why, and where it sits in the chain. */
export function auditEmbed(entry: HashedAuditEntry): APIEmbed {
  const look = TITLES[entry.action] ?? { title: entry.action, color: 0x7f8c8d };
  const fields = [];
  if (entry.targetId) fields.push(field('Member', `<@${entry.targetId}>`));
  if (entry.actorId !== 'chat-guard') fields.push(field('By', `<@${entry.actorId}>`));
  const { count, until, violations, attempted, changes, caseNumber, dm } = entry.details;
  if (typeof caseNumber === 'number') fields.push(field('Case', `#${caseNumber}`));
  if (typeof violations === 'string') fields.push(field('Violations', violations.replaceAll(',', ', ')));
  if (typeof count === 'number') fields.push(field('Violation count', String(count)));
  if (typeof until === 'string') fields.push(field('Until', `<t:${Math.floor(Date.parse(until) / 1000)}:f>`));
  if (typeof attempted === 'string') fields.push(field('Attempted', attempted));
  if (typeof dm === 'string') fields.push(field('DM', dm));
  if (typeof changes === 'string') fields.push(field('Changes', changes, false));
  fields.push(field('Audit entry', `#${entry.seq} · ${entry.hash.slice(0, 12)}`));
  return {
    title: look.title,
    description: entry.reason.slice(0, 4096),
    color: look.color,
    fields,
    timestamp: entry.at,
    footer: { text: 'Chat Guard' },
  };
}
