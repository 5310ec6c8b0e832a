import type { EventBus } from '@chat-guard/bus';
import { type CaseRow, caseAppeals, findCase, memberCases } from '@chat-guard/enforcer/cases';
import { auditEntriesByKeys } from '@chat-guard/log-writer';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { CommandRefused } from './commandRefused.ts';

export interface CaseCommandDeps {
  readonly db: Kysely<Database>;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly now: () => number;
}

export interface CaseCommand {
  readonly guildId: string;
  readonly interactionId: string;
  readonly name: string;
  readonly subcommand: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly userId: string;
}

const PAGE_SIZE = 10;
const time = (at: Date, style: 'f' | 'd' = 'f') => `<t:${Math.floor(at.getTime() / 1000)}:${style}>`;
const by = (actorId: string) => (actorId === 'chat-guard' ? 'Chat Guard' : `<@${actorId}>`);

function positive(command: CaseCommand, name: string, fallback?: number): number {
  const value = command.options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new CommandRefused(`\`${name}\` must be a whole number from 1.`);
  return value;
}

/** `/case view N`, `/case edit N reason` and `/cases member [page]`. */
export async function runCaseCommand(deps: CaseCommandDeps, command: CaseCommand): Promise<string> {
  if (command.name === 'cases') {
    const member = command.options.member;
    if (typeof member !== 'string' || !/^\d{1,20}$/.test(member))
      throw new CommandRefused('`member` must be a member of this server.');
    const page = positive(command, 'page', 1);
    const { cases, total } = await memberCases(deps.db, command.guildId, member, { page, size: PAGE_SIZE });
    if (total === 0) return `<@${member}> has no cases.`;
    const pages = Math.ceil(total / PAGE_SIZE);
    if (page > pages)
      throw new CommandRefused(`<@${member}> has ${pages} page${pages === 1 ? '' : 's'} of cases.`);
    return [
      `**Cases of <@${member}>** (${total}) · page ${page} of ${pages}`,
      ...cases.map(
        (c) =>
          `#${c.number} · ${c.action} · ${time(c.created_at, 'd')} · ${c.reason.slice(0, 80)} · by ${by(c.actor_id)}`,
      ),
    ].join('\n');
  }
  const number = positive(command, 'number');
  const found = await findCase(deps.db, command.guildId, number);
  if (!found) throw new CommandRefused(`There is no case #${number} in this server.`);
  if (command.subcommand === 'edit') {
    const reason = command.options.reason;
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500)
      throw new CommandRefused('`reason` must be 1 to 500 characters.');
    await deps.bus.publish('case.reason_edited', {
      guildId: command.guildId,
      caseNumber: number,
      reason: reason.trim(),
      moderatorId: command.userId,
      requestId: command.interactionId,
      requestedAt: deps.now(),
    });
    return `Case #${number} will read: ${reason.trim()}\nThe change is audited; the old reason stays in the log.`;
  }
  if (command.subcommand !== 'view') throw new CommandRefused('Say which: `view` or `edit`.');
  return describeCase(deps, command.guildId, found);
}

async function describeCase(deps: CaseCommandDeps, guildId: string, found: CaseRow): Promise<string> {
  const [entries, appeals] = await Promise.all([
    auditEntriesByKeys(deps.db, guildId, found.audit_keys),
    caseAppeals(deps.db, guildId, found.number),
  ]);
  const details = found.details as Record<string, unknown>;
  const lines = [
    `**Case #${found.number}** · ${found.action} · ${time(found.created_at)}`,
    `Member: ${found.user_id ? `<@${found.user_id}>` : 'anyone'} · by ${by(found.actor_id)}`,
    `Reason: ${found.reason}${found.reason_edited_by && found.reason_edited_at ? ` (edited by <@${found.reason_edited_by}> ${time(found.reason_edited_at)})` : ''}`,
  ];
  if (found.rule) lines.push(`Rule: ${found.rule}`);
  if (found.evidence_hash)
    lines.push(`Evidence: sha256 ${found.evidence_hash.slice(0, 16)}… (the content is not kept)`);
  if (found.until) lines.push(`Until: ${time(found.until)}`);
  if (typeof details.messages === 'number')
    lines.push(`Messages: ${details.messages} in <#${details.channelId}>`);
  lines.push(`Counts towards the escalation: ${found.counts ? 'yes' : 'no'}`);
  for (const appeal of appeals) {
    const decided =
      appeal.status === 'open'
        ? 'open'
        : `${appeal.status}${appeal.decided_by ? ` by <@${appeal.decided_by}>` : ''}${appeal.decided_at ? ` ${time(appeal.decided_at)}` : ''}`;
    lines.push(`Appeal of ${time(appeal.submitted_at)}: ${decided}`);
  }
  const recorded = entries.map((e) => `#${e.seq} ${e.action} (${e.hash.slice(0, 8)})`);
  lines.push(`Audit log: ${recorded.length > 0 ? recorded.join(', ') : 'not written yet'}`);
  return lines.join('\n');
}
