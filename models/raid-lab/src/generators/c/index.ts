import { EPISODES, type GuildScenario, type TraceGenerator } from '../scenario.ts';
import { HOUR } from './rng.ts';
import { buildTrace, type TraceWithRaiders } from './trace.ts';

export type { TraceWithRaiders } from './trace.ts';

/**
 * Every episode is drawn into an 8-hour trace, as the generator was written: raids start 2 h 5 min to
 * 7.7 h in, a slow drip ends 45 min before the end, a shout-out or launch runs on towards it.
 */
export const MIN_EPISODE_HOURS = 8;
/** Accounts of members leaving are drawn up to about 4.1 years before the trace, after Discord's launch. */
const EARLIEST_START = Date.UTC(2019, 6, 1);

/** Generator C's trace of a scenario, with the user ids of its raiders (for tests). */
export function generateCWithTruth(scenario: GuildScenario): TraceWithRaiders {
  const { seed, episode, hours, startMs } = scenario;
  if (!EPISODES.includes(episode)) throw new Error(`generator C: unknown episode ${episode}`);
  if (!(Number.isFinite(hours) && hours > 0))
    throw new Error(`generator C: hours must be positive, got ${hours}`);
  if (episode !== 'none' && hours < MIN_EPISODE_HOURS)
    throw new Error(
      `generator C: a ${episode} episode needs a trace of at least ${MIN_EPISODE_HOURS} hours ` +
        `(it is drawn to start 2 h 5 min to 7.7 h in and run to the end); got ${hours}`,
    );
  if (!Number.isSafeInteger(startMs) || startMs < EARLIEST_START)
    throw new Error(`generator C: startMs must be whole ms from 2019-07-01 on, got ${startMs}`);
  return buildTrace(episode, seed, startMs, startMs + Math.round(hours * HOUR));
}

/**
 * Generator C: a third generator, ported from a standalone one written from the threat page and the
 * trace format alone (see README.md). Used only to report on, never to train or choose on.
 */
export const generateC: TraceGenerator = (scenario) => generateCWithTruth(scenario).trace;
