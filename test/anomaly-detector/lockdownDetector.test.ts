import { randomInt } from 'node:crypto';
import type { EventPayload } from '@chat-guard/events';
import {
  connectRedis,
  NO_LOCKDOWN,
  readLockdownState,
  redisKeys,
  swapLockdownState,
} from '@chat-guard/store';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../services/anomaly-detector/src/decideLockdown.ts';
import { GuildWindows } from '../../services/anomaly-detector/src/feedWindows.ts';
import { LeaderLease } from '../../services/anomaly-detector/src/leaderLease.ts';
import { LockdownDetector } from '../../services/anomaly-detector/src/lockdownDetector.ts';
import type { TickScorer } from '../../services/anomaly-detector/src/replayTrace.ts';

const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'detector-test');
afterAll(() => redis.quit());

const T0 = 1_780_000_000_000;
const DAY = 86_400_000;

function guildId(): string {
  return String(1_100_000_000_000_000_000n + BigInt(randomInt(1, 2 ** 47)));
}

/** A user id whose snowflake says the account was made `ageMs` before `at`. */
function userId(at: number, ageMs: number, n: number): string {
  return String(((BigInt(at - ageMs) - 1420070400000n) << 22n) + BigInt(n));
}

/** A stand-in for the model: the share of fresh accounts among the last minute's joins. */
const freshShare: TickScorer = async (windows, guilds, now) =>
  guilds.map((g) => {
    const joins = windows.get(g).recent(now, 60_000);
    const fresh = joins.filter((j) => j.ts - j.accountCreatedAt < DAY).length;
    return { score: joins.length < 5 ? 0 : fresh / joins.length, reasons: [`${fresh} fresh accounts`] };
  });

function flood(windows: GuildWindows, guild: string, from: number, count: number, spacingMs = 200) {
  for (let i = 0; i < count; i++) {
    const ts = from + i * spacingMs;
    windows.apply({
      type: 'member.joined',
      ts,
      guildId: guild,
      userId: userId(ts, 60_000, i),
      username: `raider_${i}`,
      avatar: null,
      inviteCode: 'raid1',
    });
  }
}

interface Sink {
  requested: string[];
  lifted: string[];
  requests?: EventPayload<'lockdown.requested'>[];
  /** Dies (throws) instead of publishing a request. */
  dies?: boolean;
}

function replica(windows: GuildWindows, clock: { now: number }, sink: Sink) {
  return new LockdownDetector({
    windows,
    tick: freshShare,
    policy: DEFAULT_POLICY,
    featureVersion: 1,
    redis,
    now: () => clock.now,
    requestLockdown: async (r) => {
      if (sink.dies) throw new Error('killed before publishing');
      sink.requested.push(r.lockdownId);
      sink.requests?.push(r);
    },
    liftLockdown: async (l) => {
      sink.lifted.push(l.lockdownId);
    },
  });
}

describe('the live detector', () => {
  it('starts one lockdown per guild whatever the replicas, with the raid accounts as suspects', async () => {
    const guild = guildId();
    const windows = new GuildWindows();
    flood(windows, guild, T0, 40);
    const clock = { now: T0 + 8_000 };
    const sink: Sink = { requested: [], lifted: [], requests: [] };
    const a = replica(windows, clock, sink);
    const b = replica(windows, clock, sink);
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    expect([...ra.started, ...rb.started]).toEqual([guild]);
    expect(sink.requested).toHaveLength(1);
    const state = await readLockdownState(redis, guild);
    const [request] = sink.requests ?? [];
    expect(state.lockdownId).toBe(request?.lockdownId);
    // Every account that joined in the two minutes before the trigger.
    expect(request?.suspectIds).toHaveLength(windows.get(guild).recent(clock.now, 120_000).length);
    expect(request?.topInvite).toEqual({ code: 'raid1', share: 1 });
    expect(request?.reasons.length).toBeGreaterThan(0);
    clock.now += 1_000;
    const again = await Promise.all([a.tick(), b.tick()]);
    expect(again.flatMap((r) => r.started)).toEqual([]);
  });

  it('publishes a request a replica claimed and died before sending, under the same id', async () => {
    const guild = guildId();
    const windows = new GuildWindows();
    flood(windows, guild, T0, 40);
    const clock = { now: T0 + 8_000 };
    const dying = replica(windows, clock, { requested: [], lifted: [], dies: true });
    await expect(dying.tick()).rejects.toThrow('killed before publishing');
    const claimed = await readLockdownState(redis, guild);
    expect(claimed.lockdownId).not.toBeNull();

    const sink: Sink = { requested: [], lifted: [] };
    clock.now += 1_000;
    const report = await replica(windows, clock, sink).tick();
    expect(report.started).toEqual([]);
    expect(sink.requested).toEqual([claimed.lockdownId]);
    expect(await redis.get(redisKeys.lockdownPending(guild))).toBeNull();
  });

  it('lifts after the quiet period, not while an admin holds it, and not again after a false alarm', async () => {
    const guild = guildId();
    const windows = new GuildWindows();
    flood(windows, guild, T0, 40);
    const clock = { now: T0 + 8_000 };
    const sink: Sink = { requested: [], lifted: [] };
    const detector = replica(windows, clock, sink);
    await detector.tick();
    const id = sink.requested[0] ?? '';
    expect(id).not.toBe('');

    // An admin extends it past the quiet period.
    const held = await readLockdownState(redis, guild);
    await swapLockdownState(redis, guild, id, { ...held, holdUntil: T0 + 10 * 60_000 });
    for (clock.now = T0 + 70_000; clock.now < T0 + 9 * 60_000; clock.now += 10_000) await detector.tick();
    expect(sink.lifted).toEqual([]);
    for (; clock.now < T0 + 14 * 60_000; clock.now += 10_000) await detector.tick();
    expect(sink.lifted).toEqual([id]);
    expect((await readLockdownState(redis, guild)).lockdownId).toBeNull();

    // A false alarm holds the next start off until it expires.
    await swapLockdownState(redis, guild, null, { ...NO_LOCKDOWN, suppressedUntil: clock.now + 60_000 });
    flood(windows, guild, clock.now - 8_000, 40);
    const suppressed = await detector.tick();
    expect(suppressed.suppressed).toEqual([guild]);
    expect(sink.requested).toEqual([id]);
  });

  it('gives the decider lease to one replica at a time, and to another once it lapses', async () => {
    const key = `chatguard:test:leader:${guildId()}`;
    const a = new LeaderLease(redis, key, 'a', 300);
    const b = new LeaderLease(redis, key, 'b', 300);
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    expect(await a.hold()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 450)); // a stops renewing: it died
    expect(await b.hold()).toBe(true);
    expect(await a.hold()).toBe(false);
    await b.release();
    expect(await a.hold()).toBe(true);
    await a.release();
  });
});
