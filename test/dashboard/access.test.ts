import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';
import { ApiClient, type RunningDashboard, startDashboard } from './dashboardHarness.ts';

let system: System;
let dashboard: RunningDashboard;
let redis: Redis;
let guildId: string;
let otherGuildId: string;

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: 2, seed: 12 } });
  await system.start('log-writer');
  await system.start('gateway');
  dashboard = await startDashboard(system, { DASHBOARD_SSE_PER_USER: '2' });
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  [guildId = '', otherGuildId = ''] = system.sandbox.guilds;
}, 120_000);

afterAll(async () => {
  dashboard?.process.child.kill('SIGTERM');
  await dashboard?.process.exited;
  redis?.disconnect();
  await system?.stop();
});

const view = (id: string) => system.sandbox.inspect.guild(id);

async function signedIn(userId: string): Promise<ApiClient> {
  const client = new ApiClient(dashboard.url, system);
  const answer = await client.signIn(userId);
  expect(answer.status, await answer.clone().text()).toBe(302);
  return client;
}

async function config(client: ApiClient, id = guildId) {
  const res = await client.fetch(`/api/guilds/${id}/config`);
  return (await res.json()) as { config: { spamThreshold: number }; revision: number };
}

describe('signing in and guild access', () => {
  it('lists only the guilds the user manages where the bot is, and refuses another guild’s id in the URL', async () => {
    const owner = await signedIn(view(guildId).ownerId);
    const res = await owner.fetch('/api/guilds');
    const { guilds } = (await res.json()) as { guilds: { id: string }[] };
    expect(guilds.map((g) => g.id)).toEqual([guildId]);
    for (const path of ['config', 'overview', 'audit', 'lockdowns', 'live']) {
      const other = await owner.fetch(`/api/guilds/${otherGuildId}/${path}`);
      expect(other.status, path).toBe(403);
    }
  });

  it('refuses a change whose body names another guild, without the CSRF token, or from another origin, and changes nothing', async () => {
    const owner = await signedIn(view(guildId).ownerId);
    const before = await config(owner);
    const named = await owner.send('PUT', `/api/guilds/${guildId}/config`, {
      guildId: otherGuildId,
      config: { spamThreshold: 9 },
    });
    expect(named.status).toBe(403);
    const noCsrf = await owner.send(
      'PUT',
      `/api/guilds/${guildId}/config`,
      { config: { spamThreshold: 9 } },
      false,
    );
    expect(noCsrf.status).toBe(403);
    const foreign = await owner.fetch(`/api/guilds/${guildId}/config`, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        'X-CSRF-Token': owner.csrfToken,
        Origin: 'https://evil.example',
      },
      body: JSON.stringify({ config: { spamThreshold: 9 } }),
    });
    expect(foreign.status).toBe(403);
    expect(await config(owner)).toEqual(before);
  });

  it('refuses a callback whose OAuth state is not the one the browser started with', async () => {
    const client = new ApiClient(dashboard.url, system);
    const answer = await client.signIn(view(guildId).ownerId, (callback) => {
      callback.searchParams.set('state', 'forged-state-forged-state-forged');
    });
    expect(answer.status).toBe(403);
    expect(client.cookies.has('cg_session')).toBe(false);
    expect((await client.fetch('/api/guilds')).status).toBe(401);
  });

  it('answers 401 once the session has expired, and changes nothing', async () => {
    const owner = await signedIn(view(guildId).ownerId);
    const before = await config(owner);
    const key = `${system.namespace}:chatguard:dashboard:session:${owner.cookies.get('cg_session')}`;
    expect(await redis.pexpire(key, 1)).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    const res = await owner.send('PUT', `/api/guilds/${guildId}/config`, { config: { spamThreshold: 11 } });
    expect(res.status).toBe(401);
    const fresh = await signedIn(view(guildId).ownerId);
    expect(await config(fresh)).toEqual(before);
  });

  it('refuses an admin who lost Manage Server since signing in, on the very next request', async () => {
    const adminId = view(guildId).adminId ?? '';
    const admin = await signedIn(adminId);
    expect((await admin.fetch(`/api/guilds/${guildId}/config`)).status).toBe(200);
    const member = system.sandbox.state.guilds[guildId]?.members[adminId];
    const roles = member?.roles ?? [];
    if (member) member.roles = [];
    try {
      const res = await admin.send('PUT', `/api/guilds/${guildId}/config`, { config: { spamThreshold: 12 } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { reason: string }).reason).toBe('no-manage-guild');
      expect((await admin.fetch('/api/guilds')).status).toBe(200);
      expect(((await (await admin.fetch('/api/guilds')).json()) as { guilds: unknown[] }).guilds).toEqual([]);
    } finally {
      if (member) member.roles = roles;
    }
  });
});

describe('settings', () => {
  it('refuses a configuration of the wrong shape or too large, naming the field', async () => {
    const owner = await signedIn(view(guildId).ownerId);
    const wrong = await owner.send('PUT', `/api/guilds/${guildId}/config`, {
      config: { spamThreshold: 'lots', lockdown: { slowmodeSeconds: -1 } },
    });
    expect(wrong.status).toBe(422);
    const fields = ((await wrong.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['spamThreshold', 'lockdown.slowmodeSeconds']));
    const unknown = await owner.send('PUT', `/api/guilds/${guildId}/config`, {
      config: { spamThreshhold: 4 },
    });
    expect(((await unknown.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      'spamThreshhold',
    );
    const huge = await owner.sendAlone('PUT', `/api/guilds/${guildId}/config`, {
      config: { filteredWords: Array.from({ length: 20_000 }, (_, i) => `word${i}`) },
    });
    expect(huge.status).toBe(413);
    expect((huge.body as { errors: { field: string }[] }).errors[0]?.field).toBe('(body)');
  });

  it('applies a change, announces it, and audits it in the guild’s chain with the user named', async () => {
    const ownerId = view(guildId).ownerId;
    const owner = await signedIn(ownerId);
    const res = await owner.send('PUT', `/api/guilds/${guildId}/config`, { config: { spamThreshold: 7 } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { changes: string[] }).changes).toEqual(['spamThreshold: 3 → 7']);
    const username =
      system.sandbox.state.users[ownerId]?.globalName ?? system.sandbox.state.users[ownerId]?.username;
    type Entry = { action: string; actorId: string; details: { by?: string; changes?: string } };
    let entries: Entry[] = [];
    await waitFor(async () => {
      const page = await owner.fetch(`/api/guilds/${guildId}/audit?action=config.update`);
      entries = ((await page.json()) as { entries: Entry[] }).entries;
      return entries.length > 0;
    }, 'the audit entry of the change');
    expect(entries[0]).toMatchObject({
      action: 'config.update',
      actorId: ownerId,
      details: { by: username },
    });
    const page = (await (await owner.fetch(`/api/guilds/${guildId}/audit`)).json()) as {
      names: Record<string, string>;
    };
    // Every id on the page that is a user comes with the name Discord has for them.
    expect(page.names[ownerId]).toBe(username);
    const verify = await owner.send('POST', `/api/guilds/${guildId}/audit/verify`, {});
    expect(await verify.json()).toMatchObject({ ok: true, problem: null });
    const csv = await (await owner.fetch(`/api/guilds/${guildId}/audit/export?format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('seq,at,action,actorId,targetId,reason,details,prevHash,hash');
    expect(csv).toContain('spamThreshold: 3 → 7');
  });
});

describe('live events', () => {
  it('pushes a join as it happens, caps live views per user, and closes them on sign-out', async () => {
    const owner = await signedIn(view(guildId).ownerId);
    const open = () =>
      owner.fetch(`/api/guilds/${guildId}/live`, { headers: { Accept: 'text/event-stream' } });
    const first = await open();
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    const reader = first.body?.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return false;
        text += new TextDecoder().decode(chunk.value);
      }
      return true;
    };
    await readUntil(/event: ready/);
    const { user } = system.sandbox.users.addMember({ guildId });
    expect(await readUntil(new RegExp(`"userId":"${user.id}"`))).toBe(true);
    expect(text).toMatch(/event: join/);

    // The cap holds across replicas: the second view is on another replica, sharing the session.
    const replica = await startDashboard(system, { DASHBOARD_SSE_PER_USER: '2' });
    try {
      const elsewhere = new ApiClient(replica.url, system);
      for (const [name, value] of owner.cookies) elsewhere.cookies.set(name, value);
      const second = await elsewhere.fetch(`/api/guilds/${guildId}/live`, {
        headers: { Accept: 'text/event-stream' },
      });
      expect(second.status).toBe(200);
      const third = await open();
      expect(third.status).toBe(429);
      await second.body?.cancel();
      // Closing a view frees its slot for the user on every replica.
      await waitFor(
        async () => {
          const again = await open();
          if (again.status !== 200) return false;
          await again.body?.cancel();
          return true;
        },
        'a slot freed by a closed view',
        10_000,
      );
    } finally {
      replica.process.child.kill('SIGTERM');
      await replica.process.exited;
    }

    expect((await owner.send('POST', '/auth/logout', {})).status).toBe(200);
    // Sign-out ends the stream: the reader sees its end.
    expect(await readUntil(/(?!)/)).toBe(false);
    expect((await owner.fetch('/api/guilds')).status).toBe(401);
  });
});

describe('named profiles', () => {
  it('saves a profile checked by the config schema, and applies it only when the user manages every guild named', async () => {
    const owner = await signedIn(view(guildId).ownerId);
    const bad = await owner.send('PUT', '/api/profiles/strict', { settings: { massPingThreshold: 0 } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      'massPingThreshold',
    );
    const saved = await owner.send('PUT', '/api/profiles/strict', {
      settings: { massPingThreshold: 2, linkGuard: true },
    });
    expect(saved.status).toBe(200);
    const list = (await (await owner.fetch('/api/profiles')).json()) as { profiles: { name: string }[] };
    expect(list.profiles.map((p) => p.name)).toEqual(['strict']);

    const before = await config(owner);
    const both = await owner.send('POST', '/api/profiles/strict/apply', {
      guildIds: [guildId, otherGuildId],
    });
    expect(both.status).toBe(403);
    expect(((await both.json()) as { guildId: string }).guildId).toBe(otherGuildId);
    expect(await config(owner)).toEqual(before);

    const noCsrf = await owner.send('POST', '/api/profiles/strict/apply', { guildIds: [guildId] }, false);
    expect(noCsrf.status).toBe(403);
    const applied = await owner.send('POST', '/api/profiles/strict/apply', { guildIds: [guildId] });
    expect(applied.status).toBe(200);
    const after = (await config(owner)) as unknown as {
      config: { massPingThreshold: number; linkGuard: boolean };
    };
    expect(after.config).toMatchObject({ massPingThreshold: 2, linkGuard: true });

    // Profiles are the user's own: another admin does not see them.
    const admin = await signedIn(view(guildId).adminId ?? '');
    expect(((await (await admin.fetch('/api/profiles')).json()) as { profiles: unknown[] }).profiles).toEqual(
      [],
    );
  });
});

describe('the overview’s drop-offs', () => {
  it('counts newcomers the member gate held in the last day who never verified, from the verifier’s records', async () => {
    // What the verifier records of five gated newcomers and one admitted, and one gated two days ago.
    const statuses = ['passed', 'failed', 'expired', 'expired', 'pending', 'admitted'] as const;
    const rows = statuses.map((status, i) => ({
      guild_id: guildId,
      user_id: String(1_300_000_000_000_000_100n + BigInt(i)),
      joined_at: Date.now() - 60_000,
      status,
    }));
    await system.database.db.insertInto('verification').values(rows).execute();
    await system.database.db
      .insertInto('verification')
      .values({
        guild_id: guildId,
        user_id: '1300000000000000199',
        joined_at: Date.now() - 2 * 86_400_000,
        status: 'failed',
        created_at: new Date(Date.now() - 2 * 86_400_000),
      })
      .execute();
    const owner = await signedIn(view(guildId).ownerId);
    const res = await owner.fetch(`/api/guilds/${guildId}/overview`);
    const body = (await res.json()) as { dropOffs: Record<string, number> };
    const gated: string[] = statuses.filter((s) => s !== 'admitted');
    expect(body.dropOffs).toMatchObject({
      gatedLastDay: gated.length,
      neverVerified: gated.filter((s) => s === 'failed' || s === 'expired').length,
      waiting: gated.filter((s) => s === 'pending').length,
    });
  });

  it('shows a member’s passes through the gate, newest first, and names them', async () => {
    const userId = view(guildId).memberIds[1] ?? '';
    const user = system.sandbox.state.users[userId];
    const joinedAt = Date.now() - 3_600_000;
    await system.database.db
      .insertInto('verification')
      .values([
        { guild_id: guildId, user_id: userId, joined_at: joinedAt - 86_400_000, status: 'expired' },
        {
          guild_id: guildId,
          user_id: userId,
          joined_at: joinedAt,
          status: 'passed',
          reasons: JSON.stringify(['raid-gate', 'new-account']),
          finished_at: new Date(joinedAt + 40_000),
          outcome: 'captcha',
        },
      ])
      .execute();
    const owner = await signedIn(view(guildId).ownerId);
    const res = await owner.fetch(`/api/guilds/${guildId}/members/${userId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      verifications: { joinedAt: number; status: string; reasons: string[]; outcome: string | null }[];
      names: Record<string, string>;
    };
    expect(body.verifications.map((v) => [v.joinedAt, v.status])).toEqual([
      [joinedAt, 'passed'],
      [joinedAt - 86_400_000, 'expired'],
    ]);
    expect(body.verifications[0]?.reasons).toEqual(['raid-gate', 'new-account']);
    expect(body.names[userId]).toBe(user?.globalName ?? user?.username);
    // Another guild's member page is refused like every other page of that guild.
    const other = await owner.fetch(`/api/guilds/${otherGuildId}/members/${userId}`);
    expect(other.status).toBe(403);
  });
});
