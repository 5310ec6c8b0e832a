import { computeFeatures, GuildWindows, type RaidScorer } from '@chat-guard/anomaly-detector';
import { quantile } from './evaluate/figures.ts';
import { RAID_FAMILIES, SURGE_KINDS } from './generators/scenario.ts';
import { GENERATORS } from './protocol.ts';

export interface TickBench {
  readonly guilds: number;
  readonly backend: string;
  readonly joinsInWindows: number;
  readonly featuresMedianMs: number;
  readonly scoringMedianMs: number;
  readonly tickMedianMs: number;
  readonly tickP99Ms: number;
}

/**
 * Times one whole detector tick for `guilds` active guilds: every guild's features from its
 * windows, then one batch through the model, as the live detector does each second. The
 * windows are real ones, filled by replaying generated traces up to the middle of their raid
 * or surge, so the windows hold what they hold when it matters.
 */
export async function benchTick(scorer: RaidScorer, guilds = 1000, rounds = 30): Promise<TickBench> {
  const windows = new GuildWindows();
  const kinds = [...RAID_FAMILIES, ...SURGE_KINDS];
  let now = 0;
  const ids: string[] = [];
  for (let g = 0; g < guilds; g++) {
    const generator = g % 2 === 0 ? GENERATORS.A : GENERATORS.B;
    const trace = generator({
      seed: 50_000 + g,
      episode: kinds[g % kinds.length] ?? 'none',
      hours: 4,
      startMs: Date.UTC(2026, 0, 5),
    });
    const episode = trace.labels[0];
    const until = episode ? (episode.start + episode.end) / 2 : (trace.events.at(-1)?.ts ?? 0);
    // Each guild gets its own id, so two traces drawn for one id never share a window.
    const id = String(BigInt(trace.guildId) + BigInt(g));
    for (const event of trace.events) {
      if (event.ts > until) break;
      windows.apply({ ...event, guildId: id });
    }
    ids.push(id);
    now = Math.max(now, until);
  }
  // Every guild is scored at its own "now"; the tick takes the latest, as a live tick would.
  const at = new Map(ids.map((id) => [id, windows.get(id).lastJoinAt(Number.MAX_SAFE_INTEGER) ?? now]));
  const features: number[] = [];
  const scoring: number[] = [];
  const ticks: number[] = [];
  for (let r = 0; r < rounds + 3; r++) {
    const t0 = performance.now();
    const vectors = ids.map((id) => computeFeatures(windows.get(id), at.get(id) ?? now).vector);
    const t1 = performance.now();
    await scorer.score(vectors);
    const t2 = performance.now();
    if (r < 3) continue; // warm-up
    features.push(t1 - t0);
    scoring.push(t2 - t1);
    ticks.push(t2 - t0);
  }
  const round = (x: number | null) => Math.round((x ?? 0) * 100) / 100;
  return {
    guilds,
    backend: scorer.backend,
    joinsInWindows: ids.reduce((n, id) => n + windows.get(id).joins.length, 0),
    featuresMedianMs: round(quantile(features, 0.5)),
    scoringMedianMs: round(quantile(scoring, 0.5)),
    tickMedianMs: round(quantile(ticks, 0.5)),
    tickP99Ms: round(quantile(ticks, 0.99)),
  };
}
