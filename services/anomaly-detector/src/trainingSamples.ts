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
}

/**
 * Feature vectors sampled from a labelled trace every `tickMs`, per guild, from the same
 * windows the detector keeps. Ticks with no join in the last minute teach nothing and are
 * kept only one in `quietKeep`, so quiet hours do not drown the raids.
 */
export function trainingSamples(
  events: readonly TraceEvent[],
  labels: readonly TraceLabelLike[],
  tickMs = 5_000,
  quietKeep = 20,
): Sample[] {
  const raids = labels.filter((l) => l.type === 'raid');
  const windows = new GuildWindows();
  const samples: Sample[] = [];
  const first = events[0]?.ts;
  const last = events.at(-1)?.ts;
  if (first === undefined || last === undefined) return samples;
  let next = 0;
  let quiet = 0;
  for (let now = first; now <= last; now += tickMs) {
    while (next < events.length && (events[next]?.ts ?? Infinity) <= now) {
      const event = events[next++];
      if (event) windows.apply(event);
    }
    for (const guildId of windows.guilds().sort()) {
      const window = windows.get(guildId);
      if (window.recent(now, 60_000).length === 0 && quiet++ % quietKeep !== 0) continue;
      const raid = raids.some((r) => r.guildId === guildId && now >= r.start + tickMs && now <= r.end);
      samples.push({ vector: computeFeatures(window, now).vector, label: raid ? 1 : 0 });
    }
  }
  return samples;
}
