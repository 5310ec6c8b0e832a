import { DEFAULT_POLICY, guardrailAllows, type LockdownPolicy } from './decideLockdown.ts';
import { computeFeatures } from './features.ts';
import { GuildWindows, type TraceEvent } from './feedWindows.ts';

export interface TraceLabelLike {
  readonly type: string;
  readonly guildId: string;
  readonly start: number;
  readonly end: number;
}

export interface Sample {
  readonly vector: number[];
  /** 1 inside a labelled raid, 0 elsewhere (organic days and surges alike). */
  readonly label: 0 | 1;
  /** Where it came from: surges are the negatives that matter most. */
  readonly kind: 'raid' | 'surge' | 'organic';
  /** The guardrail would let a lockdown start here: only these ticks can be false lockdowns. */
  readonly guardrailOpen: boolean;
  /** Within the first minute of a raid: where a lockdown is won or lost against the baselines. */
  readonly early: boolean;
}

/** After a raid's last join its windows still look like a raid for this long: neither label fits. */
const AFTERGLOW_MS = 10 * 60_000;
/** Before this many joins since a raid began, nothing tells it from organic traffic yet. */
const RAID_JOINS_TO_TELL = 5;
/** A raid's first minute: the ticks that decide how soon it is locked down. */
const EARLY_MS = 60_000;

/**
 * Feature vectors sampled from a labelled trace every `tickMs`, per guild, from the same
 * windows the detector keeps. Only where the guardrail lets a lockdown start does the score
 * decide anything: other ticks are kept one in `idleKeep`, so quiet hours do not drown the
 * raids and surges.
 */
export function trainingSamples(
  events: readonly TraceEvent[],
  labels: readonly TraceLabelLike[],
  tickMs = 5_000,
  idleKeep = 20,
  policy: LockdownPolicy = DEFAULT_POLICY,
): Sample[] {
  const windows = new GuildWindows();
  const samples: Sample[] = [];
  const first = events[0]?.ts;
  const last = events.at(-1)?.ts;
  if (first === undefined || last === undefined) return samples;
  let next = 0;
  let idle = 0;
  for (let now = first; now <= last; now += tickMs) {
    while (next < events.length && (events[next]?.ts ?? Infinity) <= now) {
      const event = events[next++];
      if (event) windows.apply(event);
    }
    for (const guildId of windows.guilds().sort()) {
      const window = windows.get(guildId);
      const counts = {
        now,
        joinsLastMinute: window.recentCount(now, 60_000),
        joinsLast10Minutes: window.recentCount(now, 600_000),
      };
      const guardrailOpen = guardrailAllows(counts, policy);
      if (!guardrailOpen && idle++ % idleKeep !== 0) continue;
      const mine = labels.filter((l) => l.guildId === guildId);
      const raid = mine.some((r) => r.type === 'raid' && now >= r.start && now <= r.end);
      const early = mine.some((r) => r.type === 'raid' && now >= r.start && now <= r.start + EARLY_MS);
      // A raid's first few joins, and its windows after the last one, fit neither label.
      const unclear = mine.some(
        (r) =>
          r.type === 'raid' &&
          ((now >= r.start &&
            now <= r.end &&
            window.recentCount(now, now - r.start + 1) < RAID_JOINS_TO_TELL) ||
            (now > r.end && now <= r.end + AFTERGLOW_MS)),
      );
      if (unclear) continue;
      const surge = mine.some((s) => s.type === 'surge' && now >= s.start && now <= s.end + AFTERGLOW_MS);
      samples.push({
        vector: computeFeatures(window, now).vector,
        label: raid ? 1 : 0,
        kind: raid ? 'raid' : surge ? 'surge' : 'organic',
        guardrailOpen,
        early: raid && early,
      });
    }
  }
  return samples;
}
