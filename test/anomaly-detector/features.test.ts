import { describe, expect, it } from 'vitest';
import {
  computeFeatures,
  FEATURE_SPEC,
  surprise,
  unusualSpamPosters,
} from '../../services/anomaly-detector/src/features.ts';
import { nameSkeleton } from '../../services/anomaly-detector/src/guildWindow.ts';
import { batchCount, cadenceRegularity } from '../../services/anomaly-detector/src/joinStats.ts';
import { addJoins, GUILD, newWindows, T0, usualTraffic } from '../support/joinWindows.ts';

const DAY = 86_400_000;

/** Ten joins in the last minute before T0, shaped by `spec`. */
const burst = (spec: (i: number) => { ageDays: number; avatar?: boolean; name?: string }) =>
  Array.from({ length: 10 }, (_, i) => ({ ts: T0 - 55_000 + i * 5_000, ...spec(i) }));

describe('raid features', () => {
  it('fold look-alike usernames together', () => {
    expect(nameSkeleton('Luna_88')).toBe(nameSkeleton('luna.1337'));
    expect(nameSkeleton('Luna_88')).not.toBe(nameSkeleton('nova_88'));
  });

  it('lay out one value per named feature, lifts in -1..1 and the rest in 0..1', () => {
    const windows = newWindows();
    addJoins(windows, usualTraffic(T0 - 60_000));
    addJoins(
      windows,
      burst(() => ({ ageDays: 0.1, avatar: false })),
    );
    const f = computeFeatures(windows.get(GUILD), T0);
    expect(f.version).toBe(FEATURE_SPEC.version);
    expect(f.vector).toHaveLength(FEATURE_SPEC.names.length);
    FEATURE_SPEC.names.forEach((name, i) => {
      const v = f.vector[i] ?? Number.NaN;
      expect(v, name).toBeGreaterThanOrEqual(name.includes('Lift') ? -1 : 0);
      expect(v, name).toBeLessThanOrEqual(1);
    });
  });

  it('measure fresh accounts against the guild’s own usual newcomers, not as an absolute share', () => {
    const fresh = burst(() => ({ ageDays: 0.1 }));
    const rare = newWindows();
    addJoins(rare, usualTraffic(T0 - 60 * 60_000, { freshShare: 0.02 }));
    addJoins(rare, fresh);
    const common = newWindows();
    addJoins(common, usualTraffic(T0 - 60 * 60_000, { freshShare: 0.6 }));
    addJoins(common, fresh);
    const inRare = computeFeatures(rare.get(GUILD), T0).named;
    const inCommon = computeFeatures(common.get(GUILD), T0).named;
    expect(inRare.youngLift1d10m).toBeGreaterThan(inCommon.youngLift1d10m + 0.3);
    expect(inRare.youngSurprise10m).toBeGreaterThan(inCommon.youngSurprise10m);
  });

  it('find a batch of accounts made together whatever its age, with no fixed span', () => {
    const at = (ageDays: number) => ({ ts: T0, accountCreatedAt: T0 - ageDays * DAY });
    const join = (ageDays: number) => ({
      ...at(ageDays),
      userId: '1',
      defaultAvatar: false,
      nameSkeleton: '',
      inviteCode: null,
      viaNewInviter: false,
      rejoin: false,
    });
    // Ten accounts made one afternoon two years ago, ten made within the last hour, ten spread over years.
    expect(batchCount(Array.from({ length: 10 }, (_, i) => join(730 + i * 0.02)))).toBe(10);
    expect(batchCount(Array.from({ length: 10 }, (_, i) => join(0.01 + i * 0.0005)))).toBe(10);
    expect(batchCount(Array.from({ length: 10 }, (_, i) => join(40 + i * 211)))).toBeLessThanOrEqual(2);
  });

  it('see a slow drip of accounts made together through one invite, buried in a busy hour', () => {
    const HOUR = 3_600_000;
    // Twelve joins through one invite, one every five minutes, beside 60 everyday joins an hour.
    const drip = (ageDays: (i: number, ts: number) => number) =>
      Array.from({ length: 12 }, (_, i) => {
        const ts = T0 - HOUR + 2_000 + i * 5 * 60_000;
        return { ts, ageDays: ageDays(i, ts), invite: 'drip1' };
      });
    const seller = T0 - 400 * DAY;
    const figures = (joins: ReturnType<typeof drip>) => {
      const windows = newWindows();
      addJoins(
        windows,
        [...usualTraffic(T0, { perHour: 60 }), ...joins].sort((a, b) => a.ts - b.ts),
      );
      return computeFeatures(windows.get(GUILD), T0).named;
    };
    // Made by one seller a minute apart, 400 days ago; against twelve people with years between them.
    const bought = figures(drip((i, ts) => (ts - seller - i * 60_000) / DAY));
    const people = figures(drip((i) => 40 + i * 173));
    expect(bought.inviteBatchShare60m).toBeGreaterThan(people.inviteBatchShare60m + 0.1);
    expect(bought.agedBatchShare60m).toBeGreaterThan(people.agedBatchShare60m + 0.1);
    expect(bought.joins60m).toBe(people.joins60m);
  });

  it('tell the admin when the evidence is a drip through one invite over the hour', () => {
    const HOUR = 3_600_000;
    const seller = T0 - 400 * DAY;
    const windows = newWindows();
    const drip = Array.from({ length: 12 }, (_, i) => {
      const ts = T0 - HOUR + 2_000 + i * 5 * 60_000;
      return { ts, ageDays: (ts - seller - i * 60_000) / DAY, invite: 'drip1' };
    });
    addJoins(
      windows,
      [...usualTraffic(T0, { perHour: 10 }), ...drip].sort((a, b) => a.ts - b.ts),
    );
    const { reasons } = computeFeatures(windows.get(GUILD), T0);
    expect(reasons[0]).toMatch(/^12 of the last hour's 22 joins came through one invite/);
  });

  it('call a burst of newcomers posting links strong evidence, and the same newcomers saying hi not', () => {
    for (const [content, strong] of [
      ['join my server discord.gg/abcdef', true],
      ['hi everyone!', false],
    ] as const) {
      const windows = newWindows();
      addJoins(windows, usualTraffic(T0 - 60_000));
      const users = addJoins(
        windows,
        burst((i) => ({ ageDays: 40 + i * 173 })),
      );
      users.forEach((userId, i) => {
        windows.apply({
          type: 'message.created',
          ts: T0 - 50_000 + i * 5_000,
          guildId: GUILD,
          userId,
          content,
          mentionCount: 0,
        });
      });
      const f = computeFeatures(windows.get(GUILD), T0);
      expect(f.strong.length > 0, content).toBe(strong);
      expect(f.named.spamPosterCount10m > 0, content).toBe(strong);
    }
  });

  it('weigh newcomers posting links against what the guild’s newcomers usually post', () => {
    // A big guild where one newcomer in four shares a GIF or a clip a couple of minutes after joining.
    const windows = newWindows();
    const joins = usualTraffic(T0 - 60_000, { perHour: 120 });
    const users = addJoins(windows, []);
    const events = joins.flatMap((j, i) => [
      { kind: 'join' as const, ts: j.ts, i },
      ...(i % 4 === 0 ? [{ kind: 'post' as const, ts: j.ts + 120_000, i }] : []),
    ]);
    for (const e of events.sort((a, b) => a.ts - b.ts)) {
      if (e.kind === 'join') users[e.i] = addJoins(windows, [joins[e.i] as (typeof joins)[number]])[0] ?? '';
      else
        windows.apply({
          type: 'message.created',
          ts: e.ts,
          guildId: GUILD,
          userId: users[e.i] ?? '',
          content: `lol https://tenor.com/view/cat-${e.i}`,
          mentionCount: 0,
        });
    }
    const window = windows.get(GUILD);
    expect(window.spamPostersPerJoin).toBeGreaterThan(0.15);
    expect(window.spamPostersPerJoin).toBeLessThan(0.3);
    const afternoon = computeFeatures(window, T0);
    // About a fifth of the 20 joins of 10 minutes.
    expect(afternoon.usualSpamPosters).toBeGreaterThan(3);
    expect(afternoon.usualSpamPosters).toBeLessThan(6);
    // The model sees the afternoon's sharers as no more than usual.
    expect(afternoon.named.spamPosterCount10m).toBeLessThan(0.25);
    expect(afternoon.strong).toEqual([]);

    // Thirty of the last minute's joins posting an invite are far beyond that.
    const raiders = addJoins(
      windows,
      Array.from({ length: 30 }, (_, i) => ({ ts: T0 - 40_000 + i * 1_000, ageDays: 2 })),
    );
    raiders.forEach((userId, i) => {
      windows.apply({
        type: 'message.created',
        ts: T0 - 30_000 + i * 1_000,
        guildId: GUILD,
        userId,
        content: 'free nitro discord.gg/abcdef',
        mentionCount: 0,
      });
    });
    const raid = computeFeatures(window, T0 + 1_000);
    expect(raid.strong[0]).toMatch(/newcomers posted links/);
    expect(raid.named.spamPosterCount10m).toBeGreaterThan(0.6);
  });

  it('read a big guild first seen taking a few joins a minute as an ordinary minute, a small one as a spike', () => {
    const rates = [500_000, 500].map((members) => {
      const windows = newWindows();
      windows.apply({ type: 'guild', ts: T0 - 120_000, guildId: GUILD, memberCount: members });
      addJoins(
        windows,
        Array.from({ length: 6 }, (_, i) => ({ ts: T0 - 50_000 + i * 8_000, ageDays: 300 + i * 90 })),
      );
      return computeFeatures(windows.get(GUILD), T0).named.rate1mVsBaseline;
    });
    // 6 joins a minute where a quarter of a percent of 500,000 a day is about 0.9 a minute: about
    // 6 times the rate (0.29 on the log scale); taken as no joins before, 60 times (0.6).
    expect(rates[0]).toBeLessThan(0.35);
    expect(rates[1]).toBeGreaterThan(0.5);
  });

  it('keep the usual posting rate through a surge whose newcomers have not posted yet', () => {
    // One newcomer in four shares a clip, then 600 join in ten minutes and nobody has posted yet.
    const windows = newWindows();
    const joins = usualTraffic(T0 - 600_000, { perHour: 120 });
    const users = addJoins(windows, joins);
    users.forEach((userId, i) => {
      if (i % 4 !== 0) return;
      windows.apply({
        type: 'message.created',
        ts: (joins[i]?.ts ?? 0) + 60_000,
        guildId: GUILD,
        userId,
        content: `lol https://tenor.com/view/cat-${i}`,
        mentionCount: 0,
      });
    });
    // Posts only leave the hour when a join moves the window on.
    addJoins(windows, [{ ts: T0 - 599_000, ageDays: 400 }]);
    const window = windows.get(GUILD);
    const usual = window.spamPostersPerJoin;
    expect(usual).toBeGreaterThan(0.2);
    addJoins(
      windows,
      Array.from({ length: 600 }, (_, i) => ({ ts: T0 - 590_000 + i * 950, ageDays: 30 + i })),
    );
    expect(window.spamPostersPerJoin).toBeGreaterThan(usual * 0.95);
    expect(window.spamPostersPerJoin).toBeLessThan(usual * 1.05);
  });

  it.each([
    // usual spam posters in the span, the fewest that are unusual (P(X >= k) <= 1e-5, Poisson)
    [0, 3],
    [0.01, 3],
    [0.1, 4],
    [0.5, 7],
    [1, 9],
    [3, 14],
    [10, 27],
    // Past 100, the normal approximation: 1000 + 4.265 * sqrt(1000)
    [1000, 1135],
  ])('call %f usual spam posters exceeded at %i', (usual, least) => {
    expect(unusualSpamPosters(usual, 3)).toBe(least);
  });

  it('count no join before `since` (the end of the last step), so an answered wave is history', () => {
    const windows = newWindows();
    addJoins(
      windows,
      burst(() => ({ ageDays: 0.1, avatar: false })),
    );
    const all = computeFeatures(windows.get(GUILD), T0);
    const since = computeFeatures(windows.get(GUILD), T0, T0 - 20_000);
    expect(all.joinsLastMinute).toBe(10);
    expect(since.joinsLastMinute).toBe(3);
    expect(windows.get(GUILD).recentCount(T0, 60_000, T0 - 20_000)).toBe(3);
  });

  it.each([
    // k of n, usual share p → surprise, on the scale where 1 is one chance in 10^12
    [40, 1000, 0.04, 0, 0.01],
    [60, 1000, 0.04, 0.05, 0.3],
    [10, 12, 0.05, 0.8, 1],
    [0, 0, 0.05, 0, 0],
  ])('rate %i of %i against a usual %f as surprise in [%f, %f]', (k, n, p, lo, hi) => {
    const s = surprise(k, n, p);
    expect(s).toBeGreaterThanOrEqual(lo);
    expect(s).toBeLessThanOrEqual(hi);
  });

  it('tell a metronome from people arriving on their own', () => {
    const at = (ts: number) => ({
      ts,
      accountCreatedAt: 0,
      userId: '1',
      defaultAvatar: false,
      nameSkeleton: '',
      inviteCode: null,
      viaNewInviter: false,
      rejoin: false,
    });
    const even = Array.from({ length: 12 }, (_, i) => at(i * 1000));
    let t = 0;
    const uneven = [3, 40, 1, 9, 22, 2, 60, 5, 1, 17, 33].map((gap) => {
      t += gap * 1000;
      return at(t);
    });
    expect(cadenceRegularity(even)).toBeCloseTo(1, 5);
    expect(cadenceRegularity(uneven)).toBeLessThan(0.3);
  });
});
