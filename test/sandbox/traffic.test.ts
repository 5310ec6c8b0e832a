import {
  formatJoinTrace,
  formatLabels,
  generateTraffic,
  type JoinTraceEvent,
  parseJoinTrace,
  parseLabels,
  type Sandbox,
  shardOf,
  snowflakeTimestamp,
  startSandbox,
  type TrafficGuild,
} from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const START = Date.UTC(2026, 10, 1, 12);
const guilds: TrafficGuild[] = [0, 1, 2, 3, 4, 5].map((i) => ({
  guildId: String(((1_000_000_000_000n + BigInt(i)) << 22n) | 1n),
  channelIds: [`${110000000000000000n + BigInt(i)}`],
  memberIds: [`${120000000000000000n + BigInt(i)}`, `${130000000000000000n + BigInt(i)}`],
  inviterIds: [`${120000000000000000n + BigInt(i)}`],
  vanityCode: i === 1 ? 'coolserver' : null,
}));
const options = { seed: 42, startMs: START, durationMs: 30 * 60_000, guilds, scenario: 'mixed' as const };

type Joined = Extract<JoinTraceEvent, { type: 'member.joined' }>;
const joinsIn = (events: JoinTraceEvent[], guildId: string, start: number, end: number): Joined[] =>
  events.filter(
    (e): e is Joined => e.type === 'member.joined' && e.guildId === guildId && e.ts >= start && e.ts <= end,
  );

describe('the seeded traffic generator', () => {
  const plan = generateTraffic(options);

  it('gives the same traffic for the same seed and different traffic for another', () => {
    expect(generateTraffic(options)).toEqual(plan);
    expect(generateTraffic({ ...options, seed: 43 }).events).not.toEqual(plan.events);
  });

  it('round-trips through the join trace and labels formats', () => {
    const text = formatJoinTrace(plan.events);
    expect(text.split('\n').filter(Boolean)).toHaveLength(plan.events.length);
    expect(parseJoinTrace(text)).toEqual(plan.events);
    expect(parseLabels(formatLabels(plan.labels))).toEqual(plan.labels);
    const first = JSON.parse(text.split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['type', 'ts', 'guildId', 'memberCount', 'vanityCode']);
  });

  it('writes events in non-decreasing time, and readers skip unknown types and fields', () => {
    const ts = plan.events.map((e) => e.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    const extended = `{"type":"future.thing","ts":1}\n{"type":"member.left","ts":2,"guildId":"1","userId":"2","extra":true}\n`;
    expect(parseJoinTrace(extended)).toEqual([{ type: 'member.left', ts: 2, guildId: '1', userId: '2' }]);
  });

  it('makes user ids whose timestamp is the account creation, always before the join', () => {
    const joins = plan.events.filter((e): e is Joined => e.type === 'member.joined');
    expect(joins.length).toBeGreaterThan(500);
    for (const join of joins) expect(snowflakeTimestamp(join.userId)).toBeLessThan(join.ts);
    expect(new Set(joins.map((j) => j.userId)).size).toBe(joins.length);
  });

  it('scales background chat with the rate and counts the mentions in each message', () => {
    const quiet = { ...options, scenario: 'quiet' as const };
    const chat = (rate: number) =>
      generateTraffic({ ...quiet, rate }).events.filter((e) => e.type === 'message.created');
    const ratio = chat(2).length / chat(1).length;
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.4);
    for (const message of plan.events) {
      if (message.type === 'message.created')
        expect(message.mentionCount).toBe((message.content.match(/<@\d+>/g) ?? []).length);
    }
  });

  it('labels a raid for each raid family and a surge for the shout-out, with the traffic to match', () => {
    expect(plan.labels.map((l) => l.family).sort()).toEqual([
      'aged-accounts',
      'fast-flood',
      'multi-invite',
      'shout-out',
      'slow-drip',
    ]);
    const flood = plan.labels.find((l) => l.family === 'fast-flood');
    const floodJoins = joinsIn(plan.events, flood?.guildId ?? '', flood?.start ?? 0, flood?.end ?? 0);
    expect(floodJoins.length).toBeGreaterThanOrEqual(60);
    const share = (pass: (j: Joined) => boolean): number =>
      floodJoins.filter(pass).length / floodJoins.length;
    const topCode = floodJoins[0]?.inviteCode;
    expect(share((j) => j.inviteCode === topCode)).toBeGreaterThan(0.95);
    expect(share((j) => j.avatar === null)).toBeGreaterThan(0.9);
    expect(share((j) => j.ts - snowflakeTimestamp(j.userId) < 2 * 86_400_000)).toBeGreaterThan(0.95);
    const surge = plan.labels.find((l) => l.family === 'shout-out');
    expect(surge?.type).toBe('surge');
    const surgeJoins = joinsIn(plan.events, surge?.guildId ?? '', surge?.start ?? 0, surge?.end ?? 0);
    expect(surgeJoins.length).toBeGreaterThanOrEqual(200);
    const ages = surgeJoins.map((j) => j.ts - snowflakeTimestamp(j.userId));
    expect(ages.filter((a) => a > 365 * 86_400_000).length).toBeGreaterThan(surgeJoins.length / 3);
    const drip = plan.labels.find((l) => l.family === 'slow-drip');
    const dripJoins = joinsIn(plan.events, drip?.guildId ?? '', drip?.start ?? 0, drip?.end ?? 0);
    const perMinute = dripJoins.map(
      (j) => dripJoins.filter((k) => k.ts >= j.ts && k.ts < j.ts + 60_000).length,
    );
    expect(dripJoins.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...perMinute)).toBeLessThan(5);
    const spread = plan.labels.find((l) => l.family === 'multi-invite');
    const spreadJoins = joinsIn(plan.events, spread?.guildId ?? '', spread?.start ?? 0, spread?.end ?? 0);
    expect(new Set(spreadJoins.map((j) => j.inviteCode)).size).toBeGreaterThanOrEqual(4);
  });
});

describe('traffic played into a running sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 4, seed: 21 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('seeds guild ids that spread across shards', () => {
    expect(new Set(sandbox.guilds.map((id) => shardOf(id, 2)))).toEqual(new Set([0, 1]));
    expect(new Set(sandbox.guilds.map((id) => shardOf(id, 4)))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('adds the members, counts invite uses and posts the messages of the trace', async () => {
    const plan = sandbox.traffic.generate({ scenario: 'fast-flood', durationMs: 10 * 60_000 });
    const stats = await sandbox.traffic.play(plan.events);
    expect(stats.rejected).toBe(0);
    expect(stats.applied).toBe(plan.events.length);
    for (const guildId of sandbox.guilds) {
      const guild = sandbox.state.guilds[guildId];
      const joins = plan.events.filter(
        (e): e is Joined => e.type === 'member.joined' && e.guildId === guildId,
      );
      const left = new Set(
        plan.events
          .filter((e) => e.type === 'member.left' && e.guildId === guildId)
          .map((e) => (e as { userId: string }).userId),
      );
      for (const join of joins) expect(Boolean(guild?.members[join.userId])).toBe(!left.has(join.userId));
      for (const invite of Object.values(guild?.invites ?? {})) {
        expect(invite.uses).toBe(joins.filter((j) => j.inviteCode === invite.code).length);
      }
    }
  });

  it('refuses joins while invites are paused by incident actions, as Discord does', async () => {
    const guildId = sandbox.guilds[0] ?? '';
    const guild = sandbox.state.guilds[guildId];
    if (!guild) throw new Error('no guild');
    guild.incidentsData = {
      invites_disabled_until: new Date(Date.now() + 3_600_000).toISOString(),
      dms_disabled_until: null,
    };
    const code = Object.keys(guild.invites)[0] ?? '';
    const event: JoinTraceEvent = {
      type: 'member.joined',
      ts: Date.now(),
      guildId,
      userId: '999999999999999999',
      username: 'late',
      globalName: null,
      avatar: null,
      bot: false,
      inviteCode: code,
    };
    const stats = await sandbox.traffic.play([event]);
    expect(stats).toEqual({ applied: 0, rejected: 1 });
    expect(guild.members['999999999999999999']).toBeUndefined();
  });
});
