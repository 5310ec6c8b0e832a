import type { SurgeKind } from '../scenario.ts';
import type { TraceBuilder } from './builder.ts';
import { type EpisodeOutcome, type EpisodeWindow, place } from './episode.ts';
import { arrive, organicAccount, organicEntry } from './newcomer.ts';
import { SURGE } from './ranges.ts';
import type { Rng } from './rng.ts';
import { SURGE_PLANS } from './surgeKinds.ts';

/** Writes one organic surge of a kind into the trace and labels it from the first to the last surge join. */
export function runSurge(rng: Rng, b: TraceBuilder, kind: SurgeKind, window: EpisodeWindow): EpisodeOutcome {
  const plan = SURGE_PLANS[kind](rng, b, window);
  const { start, scale } = place(rng, window, plan.times.at(-1) ?? 0);
  const stray = rng.uniform(SURGE.strayShare);
  const joins = plan.times.map((t) => Math.floor(start + t * scale));
  const actorIds = joins.map((ts) => {
    const code = rng.chance(stray) ? organicEntry(rng, b, ts).code : plan.codeFor(rng, joins[0] ?? ts);
    const account = organicAccount(rng, b, ts, plan.youngShare);
    arrive(rng, b, ts, account, code, plan.greeting);
    return account.userId;
  });
  const first = joins[0] ?? Math.floor(start);
  return {
    label: {
      type: 'surge',
      guildId: b.world.guildId,
      start: first,
      end: joins.at(-1) ?? first,
      family: kind,
    },
    actorIds,
    facts: { ...plan.facts, size: joins.length },
  };
}
