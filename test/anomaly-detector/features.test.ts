import { generateTraffic, type TraceLabel } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';
import { computeFeatures, FEATURE_SPEC } from '../../services/anomaly-detector/src/features.ts';
import { GuildWindows } from '../../services/anomaly-detector/src/feedWindows.ts';
import { nameSkeleton } from '../../services/anomaly-detector/src/guildWindow.ts';

const guild = (n: number) => ({
  guildId: `10${String(n).padStart(17, '0')}`,
  channelIds: [`11${String(n).padStart(17, '0')}`],
  memberIds: Array.from({ length: 30 }, (_, i) => `12${String(n * 100 + i).padStart(17, '0')}`),
  inviterIds: [`13${String(n).padStart(17, '0')}`],
  vanityCode: null,
});

/** Features at the middle of a labelled episode, after replaying the trace up to then. */
function featuresAt(
  scenario: 'fast-flood' | 'shout-out' | 'aged-accounts' | 'slow-drip' | 'organic',
  seed: number,
  intoMs = 60_000,
) {
  const plan = generateTraffic({
    seed,
    startMs: Date.UTC(2026, 0, 5),
    durationMs: 3 * 3_600_000,
    guilds: [guild(1)],
    scenario,
  });
  const label =
    scenario === 'organic'
      ? { guildId: guild(1).guildId, start: Date.UTC(2026, 0, 5) + 7_200_000, end: Infinity }
      : plan.labels.find((l: TraceLabel) => l.type === (scenario === 'shout-out' ? 'surge' : 'raid'));
  if (!label) throw new Error(`the ${scenario} plan has no labelled episode`);
  const at = label.start + Math.min(intoMs, (label.end - label.start) / 2);
  const windows = new GuildWindows();
  for (const event of plan.events) if (event.ts <= at) windows.apply(event);
  return computeFeatures(windows.get(label.guildId), at);
}

describe('raid features', () => {
  it('folds look-alike usernames together', () => {
    expect(nameSkeleton('Luna_88')).toBe(nameSkeleton('luna.1337'));
    expect(nameSkeleton('Luna_88')).not.toBe(nameSkeleton('nova_88'));
  });

  it('lay out one value per named feature, each on a 0..1 scale', () => {
    const features = featuresAt('fast-flood', 1);
    expect(features.version).toBe(FEATURE_SPEC.version);
    expect(features.vector).toHaveLength(FEATURE_SPEC.names.length);
    for (const value of features.vector) expect(value >= 0 && value <= 1).toBe(true);
  });

  it.each([1, 2, 3])('set a fast flood (seed %i) apart from an organic shout-out, in words', (seed) => {
    const flood = featuresAt('fast-flood', seed);
    const surge = featuresAt('shout-out', seed);
    expect(flood.named.youngUnder1dShare).toBeGreaterThan(surge.named.youngUnder1dShare);
    expect(flood.named.defaultAvatarShare).toBeGreaterThan(surge.named.defaultAvatarShare);
    expect(flood.named.topInviteShare).toBeGreaterThanOrEqual(surge.named.topInviteShare);
    expect(flood.reasons.join(' ')).toMatch(/younger than 1 day|default avatars|look-alike/);
  });

  it.each([1, 2, 3])('add up a slow drip (seed %i) over 10 minutes where one minute shows little', (seed) => {
    const drip = featuresAt('slow-drip', seed, 12 * 60_000);
    const organic = featuresAt('organic', seed, 0);
    expect(drip.named.joinsLastMinute).toBeLessThan(0.3);
    expect(drip.named.youngUnder7dCount10m).toBeGreaterThan(organic.named.youngUnder7dCount10m);
    expect(drip.named.youngDefaultAvatarCount10m).toBeGreaterThan(organic.named.youngDefaultAvatarCount10m);
    expect(drip.named.youngUnder7dShare10m).toBeGreaterThan(0.3);
    expect(drip.reasons.join(' ')).toMatch(/in 10 min/);
  });

  it('see that aged raid accounts were made in one batch', () => {
    const aged = featuresAt('aged-accounts', 2, 120_000);
    const surge = featuresAt('shout-out', 2, 120_000);
    expect(aged.named.sameBatchShare10m).toBeGreaterThan(0.5);
    expect(surge.named.sameBatchShare10m).toBeLessThan(aged.named.sameBatchShare10m);
  });

  it.each([1, 2, 3])(
    'see an aged raid (seed %i) as one batch through a fresh invite within its first minute',
    (seed) => {
      const aged = featuresAt('aged-accounts', seed, 60_000);
      const organic = featuresAt('organic', seed, 0);
      expect(aged.named.sameBatchShare).toBeGreaterThan(0.5);
      expect(aged.named.sameBatchShare).toBeGreaterThan(aged.named.sameBatchShare10m);
      expect(aged.named.freshInviteShare).toBeGreaterThan(organic.named.freshInviteShare);
    },
  );

  it('give the same vector for the same trace and time', () => {
    expect(featuresAt('aged-accounts', 9)).toEqual(featuresAt('aged-accounts', 9));
  });
});
