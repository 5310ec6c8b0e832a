import type { EventBus } from '@chat-guard/bus';
import type { Sandbox } from '@chat-guard/sandbox';

/** Totals read from the streams: they hold earlier runs too, so a run counts from its baseline. */
export interface StreamCounts {
  readonly messages: number;
  readonly joins: number;
  readonly violations: number;
  readonly audited: number;
  readonly deadLetters: number;
  /** Newcomers the member gate held, and those who passed it. */
  readonly gated: number;
  readonly passed: number;
}

/** The raid decisions of this run, seen live as they are published. */
export interface RaidCounts {
  /** Lockdowns started, by the detector or by an admin's `/lockdown start`. */
  readonly lockdowns: number;
  /** Lifted by the detector after the quiet period. */
  readonly liftedByDetector: number;
  /** Lifted by an admin (a button or `/lockdown lift`). */
  readonly liftedByAdmin: number;
  /** The detector's gentle step: newcomers must pass the member gate. */
  readonly gates: number;
}

export interface SummaryCounts extends StreamCounts, RaidCounts {
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

/** The streams' totals now. */
export async function readStreamCounts(bus: EventBus): Promise<StreamCounts> {
  const [messages = 0, joins = 0] = await countBySuffix(bus, 'DISCORD', [
    '.message.created',
    '.member.joined',
  ]);
  const [violations = 0] = await countBySuffix(bus, 'VERDICTS', ['.violation']);
  const [gated = 0, passed = 0] = await countBySuffix(bus, 'VERIFICATION', ['.started', '.passed']);
  const audited = (await bus.jsm.streams.info(bus.ns.stream('AUDIT'))).state.messages;
  const deadLetters = (await bus.jsm.streams.info(bus.ns.stream('DEADLETTER'))).state.messages;
  return { messages, joins, violations, audited, deadLetters, gated, passed };
}

/** `now` less `baseline`, never below zero (a stream's limits may have dropped old messages). */
export function sinceBaseline(now: StreamCounts, baseline: StreamCounts): StreamCounts {
  const less = (key: keyof StreamCounts) => Math.max(0, now[key] - baseline[key]);
  return {
    messages: less('messages'),
    joins: less('joins'),
    violations: less('violations'),
    audited: less('audited'),
    deadLetters: less('deadLetters'),
    gated: less('gated'),
    passed: less('passed'),
  };
}

/**
 * The raid decisions of this run, from what is published: lockdowns requested (by the detector
 * or `/lockdown start`), gates started, and the lockdown alerts' `lifted` kind, whose `by` is
 * the admin who answered (null when the detector lifted). Each lockdown counts once, however
 * often a retry publishes it.
 */
export class RaidTally {
  readonly #started = new Set<string>();
  readonly #gates = new Set<string>();
  readonly #lifted = new Map<string, 'detector' | 'admin'>();

  /** One published message: its subject without the namespace, and its payload. */
  add(subject: string, payload: unknown): void {
    const event = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
    const id = String(event.lockdownId ?? event.gateId ?? subject);
    if (/^lockdown\.\d+\.requested$/.test(subject)) this.#started.add(id);
    else if (/^gate\.\d+\.started$/.test(subject)) this.#gates.add(id);
    else if (/^audit\.\d+\.lockdown$/.test(subject) && event.kind === 'lifted')
      this.#lifted.set(id, event.by === null || event.by === undefined ? 'detector' : 'admin');
  }

  get counts(): RaidCounts {
    const lifts = [...this.#lifted.values()];
    return {
      lockdowns: this.#started.size,
      liftedByDetector: lifts.filter((by) => by === 'detector').length,
      liftedByAdmin: lifts.filter((by) => by === 'admin').length,
      gates: this.#gates.size,
    };
  }
}

/**
 * Counts what this run of `chat-guard up` saw: stream totals from a baseline taken now, raid
 * decisions from a live subscription, and the sandbox's actions since now.
 */
export async function startRunSummary(bus: EventBus, sandbox: Sandbox | undefined) {
  const baseline = await readStreamCounts(bus);
  const since = Date.now();
  const raids = new RaidTally();
  const subscriptions = ['lockdown.*.requested', 'audit.*.lockdown', 'gate.*.started'].map((subject) =>
    bus.nc.subscribe(bus.ns.subject(subject), {
      callback: (err, msg) => {
        if (err) return;
        let payload: unknown = null;
        try {
          payload = msg.json();
        } catch {
          payload = null; // not JSON: the consumers dead-letter it; here it still counts by subject
        }
        raids.add(bus.ns.unprefix(msg.subject), payload);
      },
    }),
  );
  return {
    async read(): Promise<SummaryCounts> {
      const counts = { ...sinceBaseline(await readStreamCounts(bus), baseline), ...raids.counts };
      if (!sandbox) return counts;
      const actions: Record<string, number> = {};
      for (const action of sandbox.inspect.actions({ since }))
        actions[action.kind] = (actions[action.kind] ?? 0) + 1;
      return { ...counts, actions };
    },
    stop(): void {
      for (const subscription of subscriptions) subscription.unsubscribe();
    },
  };
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
  if (counts.gates > 0) parts.push(`gates ${counts.gates}`);
  if (counts.lockdowns > 0 || counts.liftedByAdmin + counts.liftedByDetector > 0)
    parts.push(
      `LOCKDOWNS ${counts.lockdowns} (lifted: ${counts.liftedByDetector} by the detector, ${counts.liftedByAdmin} by an admin)`,
    );
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
