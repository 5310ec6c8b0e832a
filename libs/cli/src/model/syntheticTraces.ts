import { generateTraffic, type JoinTraceEvent, type TraceLabel } from '@chat-guard/sandbox';

export interface LabelledTrace {
  /** Where it came from: `<scenario>#<seed>`, `organic-day#<seed>` or `exported:<dir>`. */
  readonly name: string;
  readonly events: JoinTraceEvent[];
  readonly labels: TraceLabel[];
  /** Guild-days of traffic the trace covers. */
  readonly guildDays: number;
}

/** The scenarios a model learns from: every raid family, organic days and the surges that must pass. */
export const TRAINING_SCENARIOS = [
  'organic',
  'shout-out',
  'fast-flood',
  'slow-drip',
  'aged-accounts',
  'multi-invite',
] as const;

/** Guilds of organic days per generated trace: a day of one guild is mostly chat, so keep them together. */
const ORGANIC_GUILDS_PER_TRACE = 20;

function syntheticGuild(seed: number, n: number) {
  const id = (prefix: number, i: number) =>
    `${prefix}${String(seed * 100_000 + n * 100 + i).padStart(17, '0')}`;
  return {
    guildId: id(10, 0),
    channelIds: [id(11, 0), id(11, 1)],
    memberIds: Array.from({ length: 40 }, (_, i) => id(12, i)),
    inviterIds: [id(13, 0)],
    vanityCode: null,
  };
}

/** Labelled synthetic traces, one per scenario and seed, each `hours` long over `guilds` guilds. */
export function syntheticTraces(seeds: readonly number[], hours: number, guilds = 2): LabelledTrace[] {
  return seeds.flatMap((seed) =>
    TRAINING_SCENARIOS.map((scenario) => {
      const plan = generateTraffic({
        seed,
        startMs: Date.UTC(2026, 0, 5) + seed * 86_400_000,
        durationMs: hours * 3_600_000,
        guilds: Array.from({ length: guilds }, (_, n) => syntheticGuild(seed, n)),
        scenario,
      });
      return {
        name: `${scenario}#${seed}`,
        events: plan.events,
        labels: plan.labels,
        guildDays: (hours / 24) * guilds,
      };
    }),
  );
}

/**
 * Whole organic days (no raid, no surge) adding up to `guildDays`, made one trace at a time
 * as they are read so that hundreds of guild-days never sit in memory together. Seeds start
 * at `firstSeed`: keep training, validation and evaluation apart.
 */
export function* organicDays(guildDays: number, firstSeed: number): Generator<LabelledTrace> {
  for (let made = 0, seed = firstSeed; made < guildDays; seed++) {
    const guilds = Math.min(ORGANIC_GUILDS_PER_TRACE, Math.ceil(guildDays - made));
    const plan = generateTraffic({
      seed,
      startMs: Date.UTC(2026, 1, 1) + (seed % 1000) * 86_400_000,
      durationMs: 86_400_000,
      guilds: Array.from({ length: guilds }, (_, n) => syntheticGuild(seed, n)),
      scenario: 'organic',
    });
    made += guilds;
    yield { name: `organic-day#${seed}`, events: plan.events, labels: plan.labels, guildDays: guilds };
  }
}

/** What a set of traces is made of, for metadata: names, with organic days counted rather than listed. */
export function describeTraces(traces: readonly { name: string; guildDays: number }[]) {
  const organic = traces.filter((t) => t.name.startsWith('organic-day#'));
  return {
    traces: traces.filter((t) => !organic.includes(t)).map((t) => t.name),
    organicGuildDays: organic.reduce((n, t) => n + t.guildDays, 0),
    guildDays: Math.round(traces.reduce((n, t) => n + t.guildDays, 0) * 100) / 100,
  };
}
