import { generateTraffic, type TraceLabel } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';
import {
  baselineDetectors,
  type Detector,
  fixedRule,
} from '../../services/anomaly-detector/src/baselines.ts';
import { GuildWindows } from '../../services/anomaly-detector/src/feedWindows.ts';

const guild = {
  guildId: '1000000000000000001',
  channelIds: ['1100000000000000001'],
  memberIds: Array.from({ length: 20 }, (_, i) => `12000000000000000${String(i).padStart(2, '0')}`),
  inviterIds: ['1300000000000000001'],
  vanityCode: null,
};

/** When each detector first alarms inside the labelled episode, and how often it alarms outside it. */
function run(scenario: 'fast-flood' | 'slow-drip' | 'quiet', detectors: Detector[], seed = 4) {
  const plan = generateTraffic({
    seed,
    startMs: Date.UTC(2026, 0, 5),
    durationMs: 4 * 3_600_000,
    guilds: [guild],
    scenario,
  });
  const label: TraceLabel | undefined = plan.labels[0];
  const windows = new GuildWindows();
  const start = plan.events[0]?.ts ?? 0;
  const end = plan.events.at(-1)?.ts ?? 0;
  let next = 0;
  const firstInside = new Map<string, number>();
  const outside = new Map<string, number>();
  for (let now = start; now <= end; now += 1_000) {
    while (next < plan.events.length && (plan.events[next]?.ts ?? Infinity) <= now) {
      const event = plan.events[next++];
      if (event) windows.apply(event);
    }
    const window = windows.get(guild.guildId);
    for (const d of detectors) {
      if (!d.alarmed(window, now)) continue;
      const inside = label && now >= label.start && now <= label.end + 60_000;
      if (inside && !firstInside.has(d.name)) firstInside.set(d.name, now - label.start);
      if (!inside) outside.set(d.name, (outside.get(d.name) ?? 0) + 1);
    }
  }
  return { firstInside, outside };
}

describe('baseline detectors', () => {
  it('all catch a fast flood', () => {
    const detectors = baselineDetectors();
    const { firstInside } = run('fast-flood', detectors);
    for (const d of detectors) expect(firstInside.has(d.name), d.name).toBe(true);
  });

  it('the fixed rule stays silent on quiet traffic and misses a slow drip, as it is known to', () => {
    const rule = fixedRule();
    expect(run('quiet', [rule]).outside.get(rule.name) ?? 0).toBe(0);
    expect(run('slow-drip', [rule]).firstInside.has(rule.name)).toBe(false);
  });
});
