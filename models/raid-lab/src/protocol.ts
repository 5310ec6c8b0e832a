import { generateA } from './generators/a/index.ts';
import { generateB } from './generators/b/index.ts';
import { generateC } from './generators/c/index.ts';
import { EPISODES, type Episode, type GuildTrace, type TraceGenerator } from './generators/scenario.ts';

/**
 * The protocol, fixed here so nobody chooses it after seeing results:
 * - train on generator A (seeds 1–40 of every episode, plus organic days);
 * - choose the calibration, the thresholds and any design on generator B (seeds 2001–2030);
 * - report on fresh seeds of both (9001–9020), which nothing is ever chosen on, and on exported
 *   real traces when there are any;
 * - report too on fresh seeds of generator C (9001–9020), a third generator written from the
 *   threat page alone after v7 shipped, which nothing is trained, tuned or reported-then-chosen
 *   on (its seeds 1001–1020 were looked at while reworking the spam-poster rule).
 * A seed that has been looked at while designing moves out of the report set for good: the
 * report seeds start past every seed used so far.
 */
export type SetName = 'train' | 'tune' | 'reportA' | 'reportB' | 'reportC';
export type GeneratorName = 'A' | 'B' | 'C';
/** The generators `model eval` reports on, in the order of its table. */
export const REPORT_GENERATORS: readonly GeneratorName[] = ['A', 'B', 'C'];

export interface TraceSet {
  readonly name: SetName;
  readonly generator: GeneratorName;
  /** Episode traces: one guild each, `hours` long, one per seed and episode. */
  readonly seeds: readonly number[];
  readonly hours: number;
  /** Extra organic guild-days (whole days of a guild with no episode), seeded apart. */
  readonly organicDays: number;
  readonly organicSeedBase: number;
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** The sets at `scale` (1 = the full protocol; smaller for a quick look, never for a report). */
export function protocolSets(scale = 1): Record<SetName, TraceSet> {
  const n = (full: number) => Math.max(1, Math.round(full * scale));
  return {
    train: {
      name: 'train',
      generator: 'A',
      seeds: range(1, n(40)),
      hours: 6,
      organicDays: n(60),
      organicSeedBase: 100_000,
    },
    tune: {
      name: 'tune',
      generator: 'B',
      seeds: range(2001, n(30)),
      hours: 6,
      // 60 organic days showed no false gate where fresh B days show about one in 25: too few
      // to choose a gate threshold against a budget of 10 per 1,000 guild-days.
      organicDays: n(120),
      organicSeedBase: 200_000,
    },
    reportA: {
      name: 'reportA',
      generator: 'A',
      seeds: range(9001, n(20)),
      hours: 6,
      organicDays: n(80),
      organicSeedBase: 900_000,
    },
    reportB: {
      name: 'reportB',
      generator: 'B',
      seeds: range(9001, n(20)),
      hours: 6,
      organicDays: n(80),
      organicSeedBase: 900_000,
    },
    // Generator C draws its episodes into 8-hour traces.
    reportC: {
      name: 'reportC',
      generator: 'C',
      seeds: range(9001, n(20)),
      hours: 8,
      organicDays: n(80),
      organicSeedBase: 900_000,
    },
  };
}

export const GENERATORS: Record<GeneratorName, TraceGenerator> = { A: generateA, B: generateB, C: generateC };

/** Every trace started on this day (a Monday), so the same seed is the same trace on any machine. */
const START_MS = Date.UTC(2026, 0, 5);

/** A labelled trace of one guild, with how much guild time it covers. */
export interface LabelledTrace extends GuildTrace {
  readonly name: string;
  readonly episode: Episode;
  readonly hours: number;
}

/** The set's traces, generated one at a time (a set can be larger than memory wants). */
export function* setTraces(set: TraceSet): Generator<LabelledTrace> {
  const generate = GENERATORS[set.generator];
  for (const seed of set.seeds) {
    for (const episode of EPISODES) {
      const trace = generate({ seed, episode, hours: set.hours, startMs: START_MS });
      yield { ...trace, name: `${set.generator}:${episode}#${seed}`, episode, hours: set.hours };
    }
  }
  for (let day = 0; day < set.organicDays; day++) {
    const seed = set.organicSeedBase + day;
    const trace = generate({ seed, episode: 'none', hours: 24, startMs: START_MS });
    yield { ...trace, name: `${set.generator}:organic-day#${seed}`, episode: 'none', hours: 24 };
  }
}

/** How many traces `setTraces` yields, for a progress bar. */
export const setSize = (set: TraceSet) => set.seeds.length * EPISODES.length + set.organicDays;
