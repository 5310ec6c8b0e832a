import type { EventBus } from '@chat-guard/bus';
import type { Sandbox } from '@chat-guard/sandbox';

export interface SummaryCounts {
  readonly messages: number;
  readonly joins: number;
  readonly violations: number;
  /** Lockdowns the detector asked for, and those it or an admin lifted. */
  readonly lockdowns: number;
  readonly lifted: number;
  readonly audited: number;
  readonly deadLetters: number;
  /** Newcomers the member gate held, and those who passed it. */
  readonly gated: number;
  readonly passed: number;
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

/** What has flowed through the system so far, read from the streams (and the sandbox's log). */
export async function readSummary(bus: EventBus, sandbox: Sandbox | undefined): Promise<SummaryCounts> {
  const [messages = 0, joins = 0] = await countBySuffix(bus, 'DISCORD', [
    '.message.created',
    '.member.joined',
  ]);
  const [violations = 0, lockdowns = 0, lifted = 0] = await countBySuffix(bus, 'VERDICTS', [
    '.violation',
    '.requested',
    '.lifted',
  ]);
  const [gated = 0, passed = 0] = await countBySuffix(bus, 'VERIFICATION', ['.started', '.passed']);
  const audited = (await bus.jsm.streams.info(bus.ns.stream('AUDIT'))).state.messages;
  const deadLetters = (await bus.jsm.streams.info(bus.ns.stream('DEADLETTER'))).state.messages;
  const counts = { messages, joins, violations, lockdowns, lifted, audited, deadLetters, gated, passed };
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
    `gated ${counts.gated} (${counts.passed} passed)`,
    `audited ${counts.audited}`,
  ];
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
