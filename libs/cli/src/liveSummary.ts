import type { EventBus } from '@chat-guard/bus';
import { eventMap } from '@chat-guard/events';
import type { Sandbox } from '@chat-guard/sandbox';

export interface SummaryCounts {
  readonly messages: number;
  readonly joins: number;
  readonly violations: number;
  /** Lockdowns the detector or an admin asked for, and those it or an admin lifted. */
  readonly lockdowns: number;
  readonly lifted: number;
  /** Gentle steps (newcomers must verify) the detector started, and those that ended. */
  readonly gates: number;
  readonly gatesEnded: number;
  readonly audited: number;
  readonly deadLetters: number;
  /** What the bot did on the sandbox, by kind (only when running on the sandbox). */
  readonly actions?: Readonly<Record<string, number>>;
}

async function countBySuffix(bus: EventBus, stream: string, suffixes: readonly string[]): Promise<number[]> {
  const info = await bus.jsm.streams.info(bus.ns.stream(stream), { subjects_filter: '>' });
  const subjects = info.state.subjects ?? {};
  return suffixes.map((suffix) =>
    Object.entries(subjects).reduce((sum, [subject, n]) => (subject.endsWith(suffix) ? sum + n : sum), 0),
  );
}

/**
 * Lockdowns lifted by the detector (`lockdown.lifted`) or by an admin, whose lift and false-alarm
 * answers come as `lockdown.answered`: each lockdown once, read from the few events of the two.
 */
async function countLifted(bus: EventBus): Promise<number> {
  const stream = bus.ns.stream('VERDICTS');
  const filters = [eventMap['lockdown.lifted'].filter, eventMap['lockdown.answered'].filter].map((f) =>
    bus.ns.subject(f),
  );
  const lifted = new Set<string>();
  // NATS before 2.10 takes one filter per consumer: one short read per subject.
  for (const filter of filters) {
    const total = (await bus.jsm.streams.info(stream, { subjects_filter: filter })).state.messages;
    if (total === 0) continue;
    const consumer = await bus.js.consumers.get(stream, { filter_subjects: filter });
    for await (const msg of await consumer.fetch({ max_messages: total, expires: 5_000 })) {
      const event = msg.json<{ lockdownId?: string; liftedBy?: string; answer?: string }>();
      const lift = event.liftedBy !== undefined || event.answer === 'lift' || event.answer === 'false-alarm';
      if (lift && event.lockdownId) lifted.add(event.lockdownId);
      if (msg.info.pending === 0) break;
    }
  }
  return lifted.size;
}

/** What has flowed through the system so far, read from the streams (and the sandbox's log). */
export async function readSummary(bus: EventBus, sandbox: Sandbox | undefined): Promise<SummaryCounts> {
  const [messages = 0, joins = 0] = await countBySuffix(bus, 'DISCORD', [
    '.message.created',
    '.member.joined',
  ]);
  const [violations = 0, lockdowns = 0, gates = 0, gatesEnded = 0] = await countBySuffix(bus, 'VERDICTS', [
    '.violation',
    '.requested',
    '.started',
    '.ended',
  ]);
  const lifted = await countLifted(bus);
  const audited = (await bus.jsm.streams.info(bus.ns.stream('AUDIT'))).state.messages;
  const deadLetters = (await bus.jsm.streams.info(bus.ns.stream('DEADLETTER'))).state.messages;
  const counts = { messages, joins, violations, lockdowns, lifted, gates, gatesEnded, audited, deadLetters };
  if (!sandbox) return counts;
  const actions: Record<string, number> = {};
  for (const action of sandbox.inspect.actions()) actions[action.kind] = (actions[action.kind] ?? 0) + 1;
  return { ...counts, actions };
}

/** One line an operator can read at a glance. */
export function formatSummary(counts: SummaryCounts): string {
  const parts = [
    `messages ${counts.messages}`,
    `joins ${counts.joins}`,
    `violations ${counts.violations}`,
    `audited ${counts.audited}`,
  ];
  if (counts.gates > 0) parts.push(`GATES ${counts.gates} (${counts.gatesEnded} ended)`);
  if (counts.lockdowns > 0) parts.push(`LOCKDOWNS ${counts.lockdowns} (${counts.lifted} lifted)`);
  if (counts.actions) {
    const a = counts.actions;
    parts.push(
      `deleted ${a['message.deleted'] ?? 0}`,
      `warned/posted ${a['message.sent'] ?? 0}`,
      `timed out ${a['member.timedOut'] ?? 0}`,
    );
  }
  if (counts.deadLetters > 0) parts.push(`DEAD LETTERS ${counts.deadLetters}`);
  return `[summary] ${parts.join(' · ')}`;
}
