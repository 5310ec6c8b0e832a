import { generateTraffic } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  decideLockdown,
  type GuildState,
} from '../../services/anomaly-detector/src/decideLockdown.ts';
import { FEATURE_SPEC } from '../../services/anomaly-detector/src/features.ts';
import {
  FeatureVersionError,
  modelTick,
  replaySweep,
  replayTrace,
} from '../../services/anomaly-detector/src/replayTrace.ts';
import type { Scorer } from '../../services/anomaly-detector/src/scorer.ts';

const at = (now: number, score: number, joinsLastMinute = 50) => ({
  now,
  score,
  joinsLastMinute,
  reasons: ['why'],
});

describe('lockdown hysteresis', () => {
  it('starts at the enter score, holds through a dip, and ends after the quiet period', () => {
    let state: GuildState = { locked: false };
    const decisions: string[] = [];
    const ticks: [number, number][] = [
      [0, 0.5],
      [1, 0.85],
      [2, 0.5],
      [3, 0.2],
      [60, 0.6],
      [61, 0.1],
      [180, 0.1],
      [182, 0.1],
    ];
    for (const [s, score] of ticks) {
      const step = decideLockdown(state, at(s * 1000, score), DEFAULT_POLICY);
      state = step.state;
      if (step.decision) decisions.push(`${s}:${step.decision.decision}`);
    }
    // Calm from 61 s (the 60 s tick was loud again): 120 s of quiet have passed by 182 s, not 180 s.
    expect(decisions).toEqual(['1:lockdown.start', '182:lockdown.end']);
  });

  it('never locks down on fewer joins than the guardrail, whatever the score', () => {
    const step = decideLockdown(
      { locked: false },
      at(0, 0.99, DEFAULT_POLICY.minJoinsLastMinute - 1),
      DEFAULT_POLICY,
    );
    expect(step.decision).toBeUndefined();
  });

  it('lets a slow drip through the guardrail once enough joins add up over 10 minutes', () => {
    const few = { ...at(0, 0.99, 1), joinsLast10Minutes: DEFAULT_POLICY.minJoinsLast10Minutes - 1 };
    expect(decideLockdown({ locked: false }, few, DEFAULT_POLICY).decision).toBeUndefined();
    const enough = { ...few, joinsLast10Minutes: DEFAULT_POLICY.minJoinsLast10Minutes };
    expect(decideLockdown({ locked: false }, enough, DEFAULT_POLICY).decision?.decision).toBe(
      'lockdown.start',
    );
  });
});

/** A transparent stand-in for the model: young accounts, default avatars and look-alikes at a high rate. */
const featureScorer: Scorer = {
  featureVersion: FEATURE_SPEC.version,
  async score(vectors) {
    const at = (name: (typeof FEATURE_SPEC.names)[number]) => FEATURE_SPEC.names.indexOf(name);
    return vectors.map((v) => {
      const f = (name: (typeof FEATURE_SPEC.names)[number]) => v[at(name)] ?? 0;
      return f('rateVsBaseline') > 0.4
        ? (f('youngUnder7dShare') + f('defaultAvatarShare') + f('lookAlikeNameShare')) / 3
        : 0;
    });
  },
};

const guild = {
  guildId: '1000000000000000001',
  channelIds: ['1100000000000000001'],
  memberIds: ['1200000000000000001'],
  inviterIds: ['1300000000000000001'],
  vanityCode: null,
};

describe('replay', () => {
  const trace = (scenario: 'fast-flood' | 'shout-out', seed: number) =>
    generateTraffic({
      seed,
      startMs: Date.UTC(2026, 0, 5),
      durationMs: 2 * 3_600_000,
      guilds: [guild],
      scenario,
    });

  it('locks a fast flood down inside the raid, lifts it once quiet, and says why', async () => {
    const plan = trace('fast-flood', 3);
    const raid = plan.labels[0];
    const decisions = await replayTrace(plan.events, featureScorer, DEFAULT_POLICY);
    expect(decisions.map((d) => d.decision)).toEqual(['lockdown.start', 'lockdown.end']);
    expect(decisions[0]?.ts).toBeGreaterThanOrEqual(raid?.start ?? 0);
    expect(decisions[0]?.ts).toBeLessThanOrEqual(raid?.end ?? 0);
    expect(decisions[0]?.reasons.length).toBeGreaterThan(0);
    expect(decisions[1]?.reasons).toEqual([expect.stringMatching(/^quiet for \d+ s$/)]);
  });

  it('leaves an organic shout-out alone and is deterministic', async () => {
    const plan = trace('shout-out', 3);
    const first = await replayTrace(plan.events, featureScorer, DEFAULT_POLICY);
    expect(first).toEqual([]);
    const flood = trace('fast-flood', 8).events;
    expect(await replayTrace(flood, featureScorer, DEFAULT_POLICY)).toEqual(
      await replayTrace(flood, featureScorer, DEFAULT_POLICY),
    );
  });

  it('scores only guilds the guardrail lets through, and decides exactly as when scoring all', async () => {
    const events = trace('fast-flood', 6).events;
    const policies = [0.5, 0.8].map((enterScore) => ({ ...DEFAULT_POLICY, enterScore }));
    let scoredAll = 0;
    let scoredSome = 0;
    const all = await replaySweep(events, modelTick(featureScorer), policies, {
      everyGuild: true,
      onScore: () => scoredAll++,
    });
    const some = await replaySweep(events, modelTick(featureScorer), policies, {
      onScore: () => scoredSome++,
    });
    expect(some).toEqual(all);
    expect(all[0]?.length).toBeGreaterThan(0);
    expect(scoredSome).toBeLessThan(scoredAll / 10);
  });

  it('refuses a model built for another feature layout', async () => {
    await expect(
      replayTrace([], { ...featureScorer, featureVersion: 99 }, DEFAULT_POLICY),
    ).rejects.toBeInstanceOf(FeatureVersionError);
  });
});
