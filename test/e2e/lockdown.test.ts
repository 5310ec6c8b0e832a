import { NEWCOMER_MS } from '@chat-guard/events';
import type { JoinTraceEvent } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedEvents, waitFor } from '../support/bus.ts';
import { episode as generatedEpisode } from '../support/episodes.ts';
import type { Spawned } from '../support/processes.ts';
import { type System, startSystem } from '../support/system.ts';

// The whole raid path on the sandbox with real discord.js, NATS, Redis and PostgreSQL:
// joins → invite-tracker → anomaly-detector (two replicas) → enforcer → log-writer.
// The traffic comes from the sandbox's own generator and from hand-written joins, never from
// the raid lab's generators the model was trained and tuned on.

let system: System;
let detectors: Spawned[] = [];
const guilds = { flood: '', shadow: '', surge: '', lift: '', gate: '' };

beforeAll(async () => {
  system = await startSystem({
    sandbox: {
      guilds: [{ members: 30 }, { members: 30 }, { members: 30 }, { members: 30 }, { members: 30 }],
      seed: 11,
    },
  });
  const [flood, shadow, surge, lift, gate] = system.sandbox.guilds;
  if (!flood || !shadow || !surge || !lift || !gate) throw new Error('five guilds expected');
  Object.assign(guilds, { flood, shadow, surge, lift, gate });
  await Promise.all([
    system.start('gateway'),
    system.start('invite-tracker'),
    system.start('enforcer'),
    system.start('log-writer'),
  ]);
  detectors = await Promise.all([system.start('anomaly-detector'), system.start('anomaly-detector')]);
  for (const guildId of Object.values(guilds)) {
    await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
    const view = system.sandbox.inspect.guild(guildId);
    await command(guildId, 'logchannel', { channel: view.channels['mod-log'] ?? '' });
  }
}, 180_000);
afterAll(() => system?.stop());

/** An admin runs a slash command; resolves with the reply. */
function command(
  guildId: string,
  name: string,
  options: Record<string, string | number | boolean>,
  subcommand?: string,
) {
  return system.command(guildId, name, options, subcommand);
}

interface Overwrite {
  readonly id: string;
  readonly type: number;
  readonly allow: string;
  readonly deny: string;
}

/** What a lockdown changes, read back from "Discord" the way an admin would see it. */
async function guildSettings(guildId: string) {
  const get = async (path: string) => {
    const response = await fetch(`${system.sandbox.api}/v10${path}`, {
      headers: { authorization: `Bot ${system.sandbox.token}` },
    });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const guild = await get(`/guilds/${guildId}`);
  const channels = (await get(`/guilds/${guildId}/channels`)) as unknown as Record<string, unknown>[];
  return {
    verificationLevel: guild.verification_level,
    incidents: guild.incidents_data ?? null,
    channels: channels
      .map((c) => ({
        id: c.id,
        slowmode: c.rate_limit_per_user ?? 0,
        overwrites: [...((c.permission_overwrites as Overwrite[]) ?? [])].sort((a, b) =>
          a.id.localeCompare(b.id),
        ),
      }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id))),
  };
}

async function timedOutUntil(guildId: string, userId: string): Promise<string | null> {
  const response = await fetch(`${system.sandbox.api}/v10/guilds/${guildId}/members/${userId}`, {
    headers: { authorization: `Bot ${system.sandbox.token}` },
  });
  const member = (await response.json()) as { communication_disabled_until?: string | null };
  return member.communication_disabled_until ?? null;
}

/** The sandbox generator's episode in one guild, starting a minute from now. */
const episode = (guildId: string, scenario: 'fast-flood' | 'shout-out', seed: number) =>
  generatedEpisode(system.sandbox, guildId, scenario, seed);

/** What the detector replicas said of a guild's gates. */
function gateLines(guildId: string): string[] {
  return detectors
    .flatMap((d) => d.output().split('\n'))
    .filter((line) => line.includes(guildId) && /"msg":"gate (started|ended)/.test(line));
}

/**
 * An ambiguous spike written by hand: 25 people in 25 seconds through the everyday invite,
 * accounts made between 1 and 20 hours ago (no batch), default avatars, ordinary distinct
 * names, nobody posting. Fresh accounts in a rush: worth the gate, not a lockdown.
 */
function ambiguousSpike(guildId: string): JoinTraceEvent[] {
  const now = Date.now();
  const names = [
    'maple',
    'orion',
    'kestrel',
    'juniper',
    'basil',
    'wren',
    'sable',
    'thistle',
    'cobalt',
    'fennel',
  ];
  return Array.from({ length: 25 }, (_, i) => {
    const createdAt = now - (1 + ((i * 7) % 20)) * 3_600_000 - i * 61_000;
    const userId = String(((BigInt(createdAt) - 1_420_070_400_000n) << 22n) | BigInt(i + 1));
    return {
      type: 'member.joined' as const,
      ts: now + i * 1_000,
      guildId,
      userId,
      username: `${names[i % names.length]}${['_art', '.gg', 'fan', ''][i % 4]}${(i * 37) % 97}`,
      globalName: null,
      avatar: null,
      bot: false,
      inviteCode: null,
    };
  });
}

async function lockdownsOf(guildId: string) {
  return system.database.db
    .selectFrom('lockdown')
    .selectAll()
    .where('guild_id', '=', guildId)
    .orderBy('started_at')
    .execute();
}

/** The lockdown alerts posted in the guild's mod-log (a gate alert's buttons read `gate:lockdown:…`). */
function alertsIn(guildId: string) {
  const channel = system.sandbox.inspect.guild(guildId).channels['mod-log'];
  return system.sandbox.inspect
    .actions({ kind: 'message.sent', guildId })
    .filter((a) => a.channelId === channel && JSON.stringify(a.data).includes('"custom_id":"lockdown:'));
}

describe('raid lockdown, end to end', () => {
  let before: Awaited<ReturnType<typeof guildSettings>>;
  let quarantined: string[] = [];

  // Each scenario has its own guild, and most of each is traffic played in real time, so they
  // all run at once; the flood and its "false alarm" answer run in order within theirs.
  describe.concurrent('a fast flood, then its "false alarm"', () => {
    it.sequential('locks a fast flood down with every step, quarantines the raiders and alerts, across a replica killed mid-raid', async () => {
      const guildId = guilds.flood;
      before = await guildSettings(guildId);
      const { events, raiders } = episode(guildId, 'fast-flood', 5);
      const playing = system.sandbox.traffic.play(events, { speed: 2 });
      // Kill the deciding detector replica as the raid begins: the other must take over.
      await waitFor(
        async () => {
          const first = await system.database.db
            .selectFrom('member_join')
            .select('user_id')
            .where('guild_id', '=', guildId)
            .where('user_id', 'in', raiders)
            .executeTakeFirst();
          return first !== undefined;
        },
        'the first raid join attributed',
        120_000,
      );
      const leader = detectors.find((d) => d.output().includes('"leading":true'));
      expect(leader).toBeDefined();
      leader?.child.kill('SIGKILL');
      await waitFor(async () => (await lockdownsOf(guildId)).length > 0, 'a lockdown', 120_000).catch(
        (err) => {
          throw new Error(`${err}\n${system.logs()}`);
        },
      );
      await playing;
      const [lockdown, ...more] = await lockdownsOf(guildId);
      expect(more).toEqual([]);
      expect(lockdown?.status).toBe('active');
      expect(lockdown?.shadow).toBe(false);
      quarantined = lockdown?.quarantined ?? [];
      expect(quarantined.length).toBeGreaterThan(0);
      for (const userId of quarantined) expect(raiders).toContain(userId);
      // The raiders' posts reached the detector through the gateway as newcomer.posted, the only
      // part of the chat it reads; every one of those was by someone who joined within a day.
      const posts = async () => {
        const stored = await storedEvents(system.bus, 'DISCORD', `discord.${guildId}.>`);
        const of = (suffix: string) => stored.filter((e) => e.subject.endsWith(suffix)).map((e) => e.data);
        return { created: of('.message.created'), newcomers: of('.newcomer.posted') };
      };
      const raiderPosts = (await posts()).created
        .filter((m) => raiders.includes(String(m.authorId)))
        .map((m) => m.messageId);
      expect(raiderPosts.length).toBeGreaterThan(0);
      await waitFor(async () => {
        const seen = new Set((await posts()).newcomers.map((m) => m.messageId));
        return raiderPosts.every((id) => seen.has(id));
      }, "the raiders' posts as newcomer.posted");
      for (const m of (await posts()).newcomers) {
        // Live messages carry their author's member, so the gateway knows when they joined.
        expect(typeof m.authorJoinedAt).toBe('number');
        expect(Number(m.createdAt) - Number(m.authorJoinedAt)).toBeLessThanOrEqual(NEWCOMER_MS);
      }

      await waitFor(
        async () => {
          const now = await guildSettings(guildId);
          return now.verificationLevel !== before.verificationLevel && now.incidents !== null;
        },
        'the profile applied',
        30_000,
      );
      const locked = await guildSettings(guildId);
      expect(locked.verificationLevel).toBe(3);
      const incidents = locked.incidents as { invites_disabled_until: string };
      const pausedFor = Date.parse(incidents.invites_disabled_until) - Date.now();
      expect(pausedFor).toBeGreaterThan(23 * 3_600_000);
      expect(pausedFor).toBeLessThanOrEqual(24 * 3_600_000);
      const text = locked.channels.filter((c) =>
        before.channels.some((b) => b.id === c.id && c.slowmode === 30),
      );
      expect(text.length).toBeGreaterThan(0);
      const sendMessages = 1n << 11n;
      const everyoneDenied = locked.channels.filter((c) =>
        c.overwrites.some((o) => o.id === guildId && (BigInt(o.deny) & sendMessages) !== 0n),
      );
      expect(everyoneDenied.length).toBe(text.length);
      for (const userId of quarantined.slice(0, 5))
        expect(await timedOutUntil(guildId, userId)).not.toBeNull();

      await waitFor(() => alertsIn(guildId).length > 0, 'the alert', 30_000);
      expect(alertsIn(guildId)).toHaveLength(1);
      expect(JSON.stringify(alertsIn(guildId)[0]?.data)).toMatch(/false-alarm/);
    }, 300_000);

    it.sequential('restores every setting as it was and releases the quarantined on "false alarm"', async () => {
      const guildId = guilds.flood;
      const [alert] = alertsIn(guildId);
      const [lockdown] = await lockdownsOf(guildId);
      if (!alert?.messageIds?.[0] || !lockdown) throw new Error('no alert to answer');
      const view = system.sandbox.inspect.guild(guildId);
      system.sandbox.interactions.clickButton({
        channelId: alert.channelId ?? '',
        messageId: alert.messageIds[0],
        userId: view.adminId ?? '',
        customId: `lockdown:false-alarm:${lockdown.id}`,
      });
      await waitFor(async () => (await lockdownsOf(guildId))[0]?.status === 'lifted', 'the lift', 60_000);
      await waitFor(
        async () => JSON.stringify(await guildSettings(guildId)) === JSON.stringify(before),
        'every setting restored',
        30_000,
      ).catch(async (err) => {
        expect(await guildSettings(guildId)).toEqual(before);
        throw err;
      });
      for (const userId of quarantined.slice(0, 5)) expect(await timedOutUntil(guildId, userId)).toBeNull();
      // The answer is stored as a label once all of it is carried out, a moment after the last release.
      const labels = () =>
        system.database.db.selectFrom('raid_label').selectAll().where('guild_id', '=', guildId).execute();
      await waitFor(async () => (await labels()).length > 0, 'the false-alarm label', 30_000);
      expect((await labels()).map((l) => [l.lockdown_id, l.label])).toEqual([[lockdown.id, 'false-alarm']]);
    }, 120_000);
  });

  it.concurrent('in shadow mode scores and alerts but changes nothing', async () => {
    const guildId = guilds.shadow;
    expect(await command(guildId, 'lockdown', { mode: 'shadow' }, 'mode')).toMatch(/shadow/i);
    const untouched = await guildSettings(guildId);
    const { events } = episode(guildId, 'fast-flood', 6);
    await system.sandbox.traffic.play(events, { speed: 2 });
    await waitFor(async () => (await lockdownsOf(guildId)).length > 0, 'a shadow lockdown', 60_000);
    expect((await lockdownsOf(guildId))[0]?.shadow).toBe(true);
    await waitFor(() => alertsIn(guildId).length > 0, 'the shadow alert', 30_000);
    expect(await guildSettings(guildId)).toEqual(untouched);
    expect(system.sandbox.inspect.actions({ kind: 'member.timedOut', guildId })).toEqual([]);
  }, 180_000);

  it.concurrent('lets an organic shout-out surge through without a lockdown', async () => {
    const guildId = guilds.surge;
    const { events } = episode(guildId, 'shout-out', 7);
    // The minute before the surge and its first two minutes, its peak, at three times the speed:
    // a crowd three times as dense as the real one still gets no lockdown.
    const peak = events.filter((e) => e.ts <= Date.now() + 3 * 60_000);
    await system.sandbox.traffic.play(peak, { speed: 3 });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the last joins reach the detector
    expect(await lockdownsOf(guildId)).toEqual([]);
    expect(alertsIn(guildId)).toEqual([]);
  }, 300_000);

  it.concurrent('holds an admin’s lift: the wave it answered does not start a new lockdown or gate', async () => {
    const guildId = guilds.lift;
    const { events } = episode(guildId, 'fast-flood', 8);
    await system.sandbox.traffic.play(events, { speed: 2 });
    await waitFor(async () => (await lockdownsOf(guildId)).length > 0, 'a lockdown', 120_000);
    await waitFor(() => alertsIn(guildId).length > 0, 'the alert', 30_000);
    const [alert] = alertsIn(guildId);
    const [lockdown] = await lockdownsOf(guildId);
    if (!alert?.messageIds?.[0] || !lockdown) throw new Error('no alert to answer');
    system.sandbox.interactions.clickButton({
      channelId: alert.channelId ?? '',
      messageId: alert.messageIds[0],
      userId: system.sandbox.inspect.guild(guildId).adminId ?? '',
      customId: `lockdown:lift:${lockdown.id}`,
    });
    await waitFor(async () => (await lockdownsOf(guildId))[0]?.status === 'lifted', 'the lift', 60_000);
    const gatesBefore = gateLines(guildId).length;
    // The raid's joins are still in every window of the detector: an answered wave starts nothing.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect((await lockdownsOf(guildId)).map((l) => l.status)).toEqual(['lifted']);
    expect(gateLines(guildId).filter((l) => l.includes('gate started')).length).toBe(
      gateLines(guildId)
        .slice(0, gatesBefore)
        .filter((l) => l.includes('gate started')).length,
    );
  }, 300_000);

  it.concurrent('answers an ambiguous spike with the gentle step only: newcomers gated, nothing locked', async () => {
    const guildId = guilds.gate;
    const untouched = await guildSettings(guildId);
    await system.sandbox.traffic.play(ambiguousSpike(guildId), { speed: 1 });
    await waitFor(() => gateLines(guildId).some((l) => l.includes('gate started')), 'a gate', 60_000).catch(
      (err) => {
        throw new Error(
          `${err}\n${detectors
            .map((d) => d.output())
            .join('\n')
            .slice(-4000)}`,
        );
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await lockdownsOf(guildId)).toEqual([]);
    // Under the default gate mode the member gate takes newcomers; existing members and invites are untouched.
    expect(await guildSettings(guildId)).toEqual(untouched);
  }, 180_000);
});
