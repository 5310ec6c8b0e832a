import { randomInt } from 'node:crypto';
import {
  type EventPayload,
  gateEnded,
  gateStarted,
  lockdownLifted,
  lockdownRequested,
  raidScored,
} from '@chat-guard/events';
import {
  connectRedis,
  NO_LOCKDOWN,
  readGateStates,
  readLockdownState,
  redisKeys,
  swapGateState,
  swapLockdownState,
} from '@chat-guard/store';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../services/anomaly-detector/src/decideResponse.ts';
import { FEATURE_SPEC } from '../../services/anomaly-detector/src/features.ts';
import { GuildWindows } from '../../services/anomaly-detector/src/feedWindows.ts';
import { ResponseDetector } from '../../services/anomaly-detector/src/responseDetector.ts';
import { addJoins, usualTraffic } from '../support/joinWindows.ts';

const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'detector-test');
afterAll(() => redis.quit());

const T0 = 1_780_000_000_000;
const guildId = () => String(1_100_000_000_000_000_000n + BigInt(randomInt(1, 2 ** 47)));

/** A stand-in for the model: the share of fresh accounts among the last minute's joins. */
const freshShare =
  (windows: GuildWindows, guild: () => string, clock: { now: number }) =>
  async (vectors: readonly (readonly number[])[]) =>
    vectors.map(() => {
      const joins = windows.get(guild()).recent(clock.now, 60_000);
      const fresh = joins.filter((j) => j.ts - j.accountCreatedAt < 86_400_000).length;
      return joins.length < 5 ? 0 : fresh / joins.length;
    });

interface Sink {
  readonly started: EventPayload<'gate.started'>[];
  readonly ended: EventPayload<'gate.ended'>[];
  readonly requested: EventPayload<'lockdown.requested'>[];
  readonly lifted: EventPayload<'lockdown.lifted'>[];
  readonly scores: EventPayload<'raid.scored'>[];
}

function setup() {
  const guild = guildId();
  const windows = new GuildWindows();
  const clock = { now: T0 };
  const sink: Sink = { started: [], ended: [], requested: [], lifted: [], scores: [] };
  const detector = new ResponseDetector({
    windows,
    score: freshShare(windows, () => guild, clock),
    policy: DEFAULT_POLICY,
    featureVersion: 5,
    redis,
    now: () => clock.now,
    startGate: async (g) => void sink.started.push(gateStarted.schema.parse(g)),
    endGate: async (g) => void sink.ended.push(gateEnded.schema.parse(g)),
    // What NATS would refuse, the test refuses too: every payload must pass its event's schema.
    requestLockdown: async (r) => void sink.requested.push(lockdownRequested.schema.parse(r)),
    liftLockdown: async (l) => void sink.lifted.push(lockdownLifted.schema.parse(l)),
    publishScore: async (s) => void sink.scores.push(raidScored.schema.parse(s)),
    onGuildError: (_guild, err) => {
      throw err;
    },
  });
  addJoins(windows, usualTraffic(T0 - 120_000), guild);
  return { guild, windows, clock, sink, detector };
}

/** Ten fresh accounts a second apart from `from`, each posting `content` if given. */
function wave(windows: GuildWindows, guild: string, from: number, content?: string) {
  const users = addJoins(
    windows,
    Array.from({ length: 10 }, (_, i) => ({ ts: from + i * 1000, ageDays: 0.05 + i * 0.03, avatar: false })),
    guild,
  );
  if (content)
    users.forEach((userId, i) => {
      windows.apply({
        type: 'message.created',
        ts: from + i * 1000 + 500,
        guildId: guild,
        userId,
        content,
        mentionCount: 0,
      });
    });
}

async function runUntil(t: { clock: { now: number }; detector: ResponseDetector }, until: number) {
  for (; t.clock.now <= until; t.clock.now += 1000) await t.detector.tick();
}

describe('the live detector', () => {
  it('answers fresh accounts saying hi with the gate alone, shares it in Redis, and ends it once calm', async () => {
    const t = setup();
    wave(t.windows, t.guild, T0, 'hi everyone!');
    await runUntil(t, T0 + 12_000);
    expect(t.sink.started).toHaveLength(1);
    expect(t.sink.requested).toHaveLength(0);
    const gateId = t.sink.started[0]?.gateId ?? '';
    expect((await readGateStates(redis, [t.guild])).get(t.guild)?.gateId).toBe(gateId);
    expect(t.sink.scores.at(-1)).toMatchObject({ guildId: t.guild, level: 'gate' });
    // Joins stop: calm after a minute, the gate ends after its quiet period.
    await runUntil(t, T0 + 12_000 + 60_000 + DEFAULT_POLICY.gateQuietMs + 2_000);
    expect(t.sink.ended.map((e) => [e.gateId, e.endedBy])).toEqual([[gateId, 'detector']]);
    expect((await readGateStates(redis, [t.guild])).get(t.guild)).toMatchObject({
      gateId: null,
      endedAt: t.sink.ended[0]?.endedAt,
    });
  });

  it('locks a wave that posts links down at once, with the accounts to quarantine', async () => {
    const t = setup();
    wave(t.windows, t.guild, T0, 'free nitro https://bit.ly/abc');
    await runUntil(t, T0 + 12_000);
    expect(t.sink.requested).toHaveLength(1);
    expect(t.sink.requested[0]?.reasons[0]).toMatch(/newcomers posted links/);
    // It comes as soon as three of them have posted links, whatever the score: who joined so far
    // are the ones to quarantine.
    expect(t.sink.requested[0]?.suspectIds.length).toBeGreaterThanOrEqual(3);
    expect(t.sink.requested[0]?.joinsLastMinute).toBe(t.sink.requested[0]?.suspectIds.length);
    expect((await readLockdownState(redis, t.guild)).lockdownId).toBe(t.sink.requested[0]?.lockdownId);
  });

  it('locks down sleepers who joined hours ago and post links together while nobody joins, and names them', async () => {
    const guild = guildId();
    const windows = new GuildWindows();
    const clock = { now: T0 };
    const requested: EventPayload<'lockdown.requested'>[] = [];
    // A stand-in for the model that reads what the features say of newcomers posting spam.
    const spamAt = FEATURE_SPEC.names.indexOf('spamPosterCount10m');
    const detector = new ResponseDetector({
      windows,
      score: async (vectors) => vectors.map((v) => ((v[spamAt] ?? 0) > 0 ? 0.95 : 0)),
      policy: DEFAULT_POLICY,
      featureVersion: FEATURE_SPEC.version,
      redis,
      now: () => clock.now,
      startGate: async () => {},
      endGate: async () => {},
      requestLockdown: async (r) => void requested.push(lockdownRequested.schema.parse(r)),
      liftLockdown: async () => {},
      publishScore: async () => {},
      onGuildError: (_guild, err) => {
        throw err;
      },
    });
    // Usual traffic until three hours ago; in it, a drip of eight accounts a quarter hour apart.
    const joins = [
      ...usualTraffic(T0 - 3 * 3_600_000).map((j) => ({ ...j, drip: false })),
      ...Array.from({ length: 8 }, (_, i) => ({
        ts: T0 - 5 * 3_600_000 + i * 15 * 60_000,
        ageDays: 400,
        drip: true,
      })),
    ].sort((x, y) => x.ts - y.ts);
    const drip = addJoins(windows, joins, guild).filter((_, i) => joins[i]?.drip);
    expect((await detector.tick()).scored).toBe(0); // three quiet hours: nothing to score
    drip.slice(0, 6).forEach((userId, i) => {
      const ts = T0 + 100 + i * 100;
      windows.apply({
        type: 'message.created',
        ts,
        guildId: guild,
        userId,
        content: 'join discord.gg/elsewhere now',
      });
    });
    await runUntil({ clock, detector }, T0 + 10_000);
    expect(requested).toHaveLength(1);
    expect(requested[0]?.reasons[0]).toMatch(/6 newcomers posted links, invites or mass pings/);
    expect(requested[0]?.joinsLastMinute).toBe(0);
    expect([...(requested[0]?.suspectIds ?? [])].sort()).toEqual(drip.slice(0, 6).sort());
  });

  it('holds an admin’s lift: the wave it answered starts nothing, a clearly new wave does', async () => {
    const t = setup();
    wave(t.windows, t.guild, T0, 'free nitro https://bit.ly/abc');
    await runUntil(t, T0 + 12_000);
    const first = t.sink.requested[0]?.lockdownId ?? '';
    // The admin lifts it (as the enforcer records a lift) while the raid's joins are still in every window.
    await swapLockdownState(redis, t.guild, first, { ...NO_LOCKDOWN, endedAt: t.clock.now });
    await runUntil(t, T0 + 5 * 60_000);
    expect(t.sink.requested).toHaveLength(1);
    expect(t.sink.started).toHaveLength(0);
    // A new wave, after the lift: a new lockdown.
    wave(t.windows, t.guild, t.clock.now + 1000, 'free nitro https://bit.ly/abc');
    await runUntil(t, t.clock.now + 15_000);
    expect(t.sink.requested).toHaveLength(2);
  });

  it('takes an admin’s "End gate" as the gate’s end and an answer, read back from Redis', async () => {
    const t = setup();
    wave(t.windows, t.guild, T0, 'hi');
    await runUntil(t, T0 + 12_000);
    const gateId = t.sink.started[0]?.gateId ?? '';
    await swapGateState(redis, t.guild, gateId, { gateId: null, since: null, endedAt: t.clock.now });
    await runUntil(t, T0 + 3 * 60_000);
    expect(t.sink.started).toHaveLength(1);
    expect(t.sink.ended).toHaveLength(0); // the admin ended it; the detector publishes nothing more
  });

  it('starts one step per guild however many replicas tick at once', async () => {
    const t = setup();
    const other = new ResponseDetector({
      windows: t.windows,
      score: freshShare(t.windows, () => t.guild, t.clock),
      policy: DEFAULT_POLICY,
      featureVersion: 5,
      redis,
      now: () => t.clock.now,
      startGate: async (g) => void t.sink.started.push(g),
      endGate: async (g) => void t.sink.ended.push(g),
      requestLockdown: async (r) => void t.sink.requested.push(r),
      liftLockdown: async (l) => void t.sink.lifted.push(l),
      publishScore: async () => {},
      onGuildError: (_guild, err) => {
        throw err;
      },
    });
    wave(t.windows, t.guild, T0, 'hi');
    for (; t.clock.now <= T0 + 12_000; t.clock.now += 1000)
      await Promise.all([t.detector.tick(), other.tick()]);
    expect(t.sink.started).toHaveLength(1);
  });

  it('drops a parked request that fails its schema, says so, and goes on with the guild', async () => {
    const t = setup();
    const errors: string[] = [];
    const detector = new ResponseDetector({
      windows: t.windows,
      score: freshShare(t.windows, () => t.guild, t.clock),
      policy: DEFAULT_POLICY,
      featureVersion: 5,
      redis,
      now: () => t.clock.now,
      startGate: async () => {},
      endGate: async () => {},
      requestLockdown: async (r) => void t.sink.requested.push(lockdownRequested.schema.parse(r)),
      liftLockdown: async () => {},
      publishScore: async () => {},
      onGuildError: (_guild, err) => void errors.push(String(err)),
    });
    await swapLockdownState(redis, t.guild, null, { ...NO_LOCKDOWN, lockdownId: `${t.guild}-1`, since: T0 });
    await redis.set(
      redisKeys.lockdownPending(t.guild),
      JSON.stringify({ guildId: t.guild, requestedBy: 'detector' }),
    );
    wave(t.windows, t.guild, T0, 'hi');
    const report = await detector.tick();
    expect(report.failed).toEqual([t.guild]);
    expect(errors[0]).toMatch(/dropped a parked lockdown request that fails its schema/);
    expect(await redis.get(redisKeys.lockdownPending(t.guild))).toBeNull();
    expect((await detector.tick()).failed).toEqual([]);
  });
});
