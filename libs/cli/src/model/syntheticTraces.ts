import {
  generateTraffic,
  type JoinTraceEvent,
  type ScenarioName,
  type TraceLabel,
} from '@chat-guard/sandbox';

export interface LabelledTrace {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly events: JoinTraceEvent[];
  readonly labels: TraceLabel[];
  /** Guild-days of traffic the trace covers. */
  readonly guildDays: number;
}

/** The scenarios a model learns from: every raid family, organic days and the surges that must pass. */
export const TRAINING_SCENARIOS: readonly ScenarioName[] = [
  'organic',
  'shout-out',
  'fast-flood',
  'slow-drip',
  'aged-accounts',
  'multi-invite',
];

function syntheticGuild(seed: number, n: number) {
  const id = (prefix: number, i: number) => `${prefix}${String(seed * 1000 + n * 100 + i).padStart(17, '0')}`;
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
      return { scenario, seed, events: plan.events, labels: plan.labels, guildDays: (hours / 24) * guilds };
    }),
  );
}
