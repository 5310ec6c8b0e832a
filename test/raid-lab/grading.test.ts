import { describe, expect, it } from 'vitest';
import { joinsInSeconds } from '../../models/raid-lab/src/baselines.ts';
import { fitPlatt } from '../../models/raid-lab/src/calibrate.ts';
import { auc, flips } from '../../models/raid-lab/src/evaluate/featureAuc.ts';
import { type Figures, quantile, tally } from '../../models/raid-lab/src/evaluate/figures.ts';
import { gradeTrace } from '../../models/raid-lab/src/evaluate/outcomes.ts';
import { choosePolicy, shortfall } from '../../models/raid-lab/src/evaluate/thresholds.ts';
import { DEFAULT_POLICY } from '../../services/anomaly-detector/src/decideResponse.ts';

const G = '1100000000000000001';
const MIN = 60_000;
const raid = (start: number, end: number, family = 'fast-flood') => ({
  type: 'raid' as const,
  guildId: G,
  start,
  end,
  family,
});
const surge = (start: number, end: number, family = 'shout-out') => ({
  type: 'surge' as const,
  guildId: G,
  start,
  end,
  family,
});
const at = (ts: number, decision: string) => ({ ts, guildId: G, decision });

describe('grading one trace', () => {
  it.each([
    [
      'a gate during the raid catches it',
      [at(10 * MIN + 3_000, 'gate.start')],
      { caught: true, firstStepMs: 3_000, locked: false },
    ],
    [
      'a lockdown during the raid catches and locks it',
      [at(10 * MIN + 1_000, 'lockdown.start')],
      { caught: true, firstStepMs: 1_000, locked: true },
    ],
    [
      'a step already in force when it begins catches it at once',
      [at(5 * MIN, 'gate.start')],
      { caught: true, firstStepMs: 0, locked: false },
    ],
    [
      'a step long after it ended misses it',
      [at(40 * MIN, 'gate.start')],
      { caught: false, firstStepMs: null, locked: false },
    ],
    [
      'a step that ended before it began misses it',
      [at(2 * MIN, 'gate.start'), at(4 * MIN, 'gate.end')],
      { caught: false, firstStepMs: null, locked: false },
    ],
    ['no step misses it', [], { caught: false, firstStepMs: null, locked: false }],
  ])('%s', (_, decisions, outcome) => {
    const graded = gradeTrace(decisions, [raid(10 * MIN, 20 * MIN)], 24);
    expect(graded.raids).toEqual([{ family: 'fast-flood', ...outcome }]);
  });

  it('counts steps on a surge apart from steps outside any episode, per guild-day', () => {
    const decisions = [
      at(61 * MIN, 'gate.start'), // in the surge
      at(62 * MIN, 'gate.end'),
      at(120 * MIN, 'lockdown.start'), // in the surge's tail: belongs to it, not outside
      at(300 * MIN, 'gate.start'), // outside
      at(400 * MIN, 'lockdown.start'), // outside
    ];
    const graded = gradeTrace(decisions, [surge(60 * MIN, 90 * MIN)], 12);
    expect(graded.surges).toEqual([{ family: 'shout-out', gated: true, locked: false }]);
    expect(graded).toMatchObject({ outsideGates: 1, outsideLockdowns: 1, guildDays: 0.5 });
  });
});

describe('tallying figures', () => {
  it('adds outcomes per family and kind, and rates steps per 1,000 guild-days', () => {
    const f = tally([
      {
        raids: [{ family: 'fast-flood', caught: true, firstStepMs: 2_000, locked: true }],
        surges: [{ family: 'launch', gated: true, locked: false }],
        outsideGates: 1,
        outsideLockdowns: 0,
        guildDays: 0.25,
      },
      {
        raids: [{ family: 'fast-flood', caught: false, firstStepMs: null, locked: false }],
        surges: [{ family: 'launch', gated: true, locked: true }],
        outsideGates: 0,
        outsideLockdowns: 1,
        guildDays: 0.75,
      },
    ]);
    expect(f.recall).toBe(0.5);
    expect(f.families['fast-flood']).toEqual({ n: 2, recall: 0.5, medianS: 2, p95S: 2, lockedShare: 0.5 });
    expect(f.surgeKinds.launch).toEqual({ n: 2, locked: 1, gateOnly: 1 });
    expect(f).toMatchObject({
      surgesLocked: 1,
      surgesGateOnly: 1,
      guildDays: 1,
      gatesPer1000: 1000,
      lockdownsPer1000: 1000,
    });
  });

  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[5], 0.95, 5],
    [[], 0.5, null],
  ])('quantile of %j at %f is %s', (values, q, expected) => {
    expect(quantile(values, q)).toBe(expected);
  });
});

const figures = (recall: number, gatesPer1000: number, surgesGateOnly = 0): Figures => ({
  raids: 4,
  recall,
  families: { 'fast-flood': { n: 4, recall, medianS: 1, p95S: 2, lockedShare: 0.5 } },
  surges: 10,
  surgeKinds: {},
  surgesLocked: 0,
  surgesGateOnly,
  guildDays: 100,
  gatesPer1000,
  lockdownsPer1000: 0,
});

describe('choosing the policy on the tuning set', () => {
  it.each([
    [
      'meets the targets over one that misses recall',
      [
        [0.5, 0],
        [0.95, 5],
      ],
      1,
    ],
    [
      'among those that meet them, the higher worst-family recall',
      [
        [0.92, 0],
        [1, 8],
      ],
      1,
    ],
    [
      'on equal recall, the fewer steps on organic traffic',
      [
        [1, 8],
        [1, 2],
      ],
      1,
    ],
    [
      'when none meets them, the least shortfall',
      [
        [0.5, 0],
        [0.8, 0],
      ],
      1,
    ],
  ] as const)('picks the one that %s', (_, rows, expected) => {
    const candidates = rows.map(([recall, gates], i) => ({
      policy: { ...DEFAULT_POLICY, gateScore: i / 10 },
      figures: figures(recall, gates),
    }));
    expect(choosePolicy(candidates).policy.gateScore).toBe(expected / 10);
  });

  it('has no shortfall where every target holds, and one that grows with each miss', () => {
    expect(shortfall(figures(0.95, 5, 3))).toBe(0);
    expect(shortfall(figures(0.8, 5, 3))).toBeGreaterThan(0);
    expect(shortfall(figures(0.95, 20, 3))).toBeGreaterThan(0);
    expect(shortfall(figures(0.95, 5, 6))).toBeGreaterThan(0);
    const slowFloods = figures(0.95, 5, 3);
    const flood = { n: 4, recall: 0.95, medianS: 12, p95S: 30, lockedShare: 0.5 };
    expect(shortfall({ ...slowFloods, families: { 'fast-flood': flood } })).toBeGreaterThan(0);
  });

  it('counts every family’s recall miss, not only the worst one’s', () => {
    const family = (recall: number) => ({ n: 10, recall, medianS: 1, p95S: 2, lockedShare: 0.5 });
    const withFamilies = (drip: number, aged: number): Figures => ({
      ...figures(0.8, 5, 3),
      families: { 'fast-flood': family(1), 'slow-drip': family(drip), 'aged-accounts': family(aged) },
    });
    // The same worst family (drips at 0.5); the second lifts aged accounts from 0.7 to 0.9.
    expect(shortfall(withFamilies(0.5, 0.9))).toBeLessThan(shortfall(withFamilies(0.5, 0.7)));
    const candidates = [withFamilies(0.5, 0.7), withFamilies(0.5, 0.9)].map((f, i) => ({
      policy: { ...DEFAULT_POLICY, gateScore: i / 10 },
      figures: f,
    }));
    expect(choosePolicy(candidates).policy.gateScore).toBe(0.1);
  });
});

describe('feature AUCs', () => {
  it.each([
    [[3, 4, 5], [0, 1, 2], 1],
    [[0, 1, 2], [3, 4, 5], 0],
    [[1, 1], [1, 1], 0.5],
    [[1, 3], [2], 0.5],
  ])('auc(%j, %j) = %f', (pos, neg, expected) => {
    expect(auc(pos, neg)).toBe(expected);
  });

  it('says a feature flips only when it points clearly opposite ways on the two generators', () => {
    expect(flips(0.8, 0.3)).toBe(true);
    expect(flips(0.8, 0.55)).toBe(false);
    expect(flips(0.7, 0.9)).toBe(false);
    expect(flips(null, 0.2)).toBe(false);
  });
});

describe('the 10-joins-in-10-seconds baseline', () => {
  it('locks at the tenth join within 10 s and lifts 2 minutes after the last trigger', () => {
    const join = (ts: number) => ({
      type: 'member.joined' as const,
      ts,
      guildId: G,
      userId: String(1e17 + ts),
      username: 'x',
      globalName: null,
      avatar: null,
      bot: false,
      inviteCode: null,
    });
    const events = [...Array.from({ length: 12 }, (_, i) => join(1_000 + i * 500)), join(600_000)];
    expect(joinsInSeconds(events)).toEqual([
      { ts: 5_500, guildId: G, decision: 'lockdown.start' },
      { ts: 6_500 + 120_000, guildId: G, decision: 'lockdown.end' },
    ]);
  });
});

describe('calibration', () => {
  it('recovers a known Platt scaling from labelled scores', () => {
    // Scores whose true raid probability is sigmoid(2 * logit(p) - 1).
    const points: { p: number; label: 0 | 1 }[] = [];
    for (let i = 1; i < 200; i++) {
      const p = i / 200;
      const z = Math.log(p / (1 - p));
      const truth = 1 / (1 + Math.exp(-(2 * z - 1)));
      for (let k = 0; k < 20; k++) points.push({ p, label: k < Math.round(truth * 20) ? 1 : 0 });
    }
    const c = fitPlatt(points, 1e-6);
    expect(c.a).toBeCloseTo(2, 0);
    expect(c.b).toBeCloseTo(-1, 0);
  });
});
