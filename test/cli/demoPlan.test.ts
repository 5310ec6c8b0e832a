import { describe, expect, it } from 'vitest';
import { DEMO_TIMES, demoPlan } from '../../libs/cli/src/demo/demoPlan.ts';
import { Readiness } from '../../libs/cli/src/demo/readiness.ts';
import { formatLogLine } from '../../libs/cli/src/supervise.ts';

const start = Date.UTC(2026, 0, 1);
const guilds = [
  {
    guildId: '1100',
    channelIds: ['1101', '1102'],
    memberIds: ['1200', '1201'],
    inviterIds: [],
    vanityCode: null,
  },
  { guildId: '2100', channelIds: ['2101'], memberIds: ['2200'], inviterIds: [], vanityCode: null },
];

describe('the demo of chat-guard up', () => {
  it('has a member of guild 1 post an invite link three times within the first minute', () => {
    const { events, timeline } = demoPlan(guilds, start, 1);
    const posts = events.filter((e) => e.type === 'message.created' && e.guildId === '1100');
    expect(posts.map((e) => (e.ts - start) / 1000)).toEqual([...DEMO_TIMES.invitePosts]);
    expect(posts.every((e) => e.type === 'message.created' && /discord\.gg\//.test(e.content))).toBe(true);
    expect(new Set(posts.map((e) => (e.type === 'message.created' ? e.userId : '')))).toEqual(
      new Set(['1200']),
    );
    expect(Math.max(...posts.map((e) => e.ts - start))).toBeLessThan(60_000);
    expect(timeline.filter((m) => m.guildId === '1100').map((m) => m.atSec)).toEqual([
      ...DEMO_TIMES.invitePosts,
    ]);
  });

  it('floods guild 2 with fresh default-avatar accounts through one invite, each posting an invite link', () => {
    const { events, timeline } = demoPlan(guilds, start, 1);
    const joins = events.filter((e) => e.type === 'member.joined' && e.guildId === '2100');
    expect(joins.length).toBeGreaterThanOrEqual(50);
    const first = Math.min(...joins.map((j) => j.ts));
    expect(first - start).toBeGreaterThanOrEqual(DEMO_TIMES.raid * 1000);
    expect(Math.max(...joins.map((j) => j.ts)) - first).toBeLessThan(60_000);
    const codes = new Set(joins.map((j) => (j.type === 'member.joined' ? j.inviteCode : null)));
    expect(codes.size).toBe(1);
    const invite = events.find((e) => e.type === 'invite.created');
    expect(invite?.type === 'invite.created' && codes.has(invite.code) && invite.ts < first).toBe(true);
    for (const join of joins) {
      if (join.type !== 'member.joined') continue;
      expect(join.avatar).toBeNull();
      const createdMs = Number(BigInt(join.userId) >> 22n) + 1420070400000;
      expect(join.ts - createdMs).toBeLessThan(2 * 86_400_000);
      const spam = events.find((e) => e.type === 'message.created' && e.userId === join.userId);
      expect(spam?.type === 'message.created' && /discord\.gg\//.test(spam.content)).toBe(true);
    }
    expect(timeline.find((m) => m.guildId === '2100')?.atSec).toBe(DEMO_TIMES.raid);
    expect(DEMO_TIMES.raid).toBeLessThan(120);
  });

  it('is in time order and the same for the same seed', () => {
    const { events } = demoPlan(guilds, start, 7);
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort((a, b) => a - b));
    expect(demoPlan(guilds, start, 7)).toEqual(demoPlan(guilds, start, 7));
    expect(new Set(events.map((e) => ('messageId' in e ? e.messageId : e.type))).size).toBeGreaterThan(80);
  });
});

describe('readiness from the services log lines', () => {
  it('waits for every service and for the slash commands in every guild', async () => {
    const readiness = new Readiness(['gateway', 'enforcer'], ['1', '2']);
    const stop = new AbortController();
    const waiting = readiness.wait(stop.signal);
    readiness.observe('enforcer', { msg: 'ready' });
    readiness.observe('gateway', { msg: 'ready' });
    readiness.observe('gateway', { msg: 'slash commands registered', guildId: '1' });
    expect(readiness.ready).toBe(false);
    expect(readiness.missing()).toBe('slash commands not registered in 1 guild(s)');
    readiness.observe('gateway', { msg: 'slash commands registered', guildId: '2' });
    await expect(waiting).resolves.toBe(true);
  });

  it('gives up when stopped', async () => {
    const readiness = new Readiness(['enforcer'], []);
    const stop = new AbortController();
    const waiting = readiness.wait(stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBe(false);
    expect(readiness.missing()).toBe('enforcer not ready');
  });
});

describe('the human-readable log line', () => {
  it('leaves trace and span ids out and keeps the rest', () => {
    const json = JSON.stringify({
      level: 'warn',
      time: '2026-01-01T10:11:12.000Z',
      msg: 'publish failed; retrying',
      service: 'gateway',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      attempt: 2,
    });
    const line = formatLogLine('gateway', json);
    expect(line).not.toMatch(/trace_id|span_id|4bf92f35/);
    expect(line).toContain('10:11:12 gateway');
    expect(line).toContain('publish failed; retrying {"attempt":2}');
  });

  it("shows an error's message, not its stack", () => {
    const json = JSON.stringify({
      level: 'fatal',
      time: '2026-01-01T10:11:12.000Z',
      msg: 'could not start',
      err: {
        type: 'Error',
        message: 'NATS is not reachable',
        stack: 'Error: NATS is not reachable\n    at connect (x.ts:1:1)',
      },
    });
    const line = formatLogLine('enforcer', json);
    expect(line).toContain('could not start {"err":"NATS is not reachable"}');
    expect(line).not.toContain('at connect');
  });
});
