import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('the inspection API over HTTP', () => {
  let sandbox: Sandbox;
  let base: string;
  const bot = () => ({ authorization: `Bot ${sandbox.token}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 1, seed: 17 });
    base = `http://127.0.0.1:${sandbox.port}/_sandbox`;
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('lists its endpoints at /_sandbox itself, each of which answers', async () => {
    const index = await fetch(base);
    expect(index.status).toBe(200);
    const { endpoints } = (await index.json()) as { endpoints: { route: string; does: string }[] };
    const gets = endpoints.filter((e) => e.route.startsWith('GET ') && !e.route.includes('<'));
    expect(gets.map((e) => e.route)).toContain('GET /_sandbox/actions');
    for (const endpoint of gets) {
      const path = endpoint.route.slice('GET /_sandbox'.length);
      expect((await fetch(`${base}${path}`)).status, endpoint.route).toBe(200);
    }
  });

  it('lets a script post as a user and lists what the bot did with timestamps', async () => {
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const posted = await fetch(`${base}/messages`, {
      method: 'POST',
      body: JSON.stringify({
        channelId: info.channels.chat,
        userId: info.memberIds[0],
        content: 'buy cheap gold',
      }),
    });
    const message = (await posted.json()) as { id: string };
    const before = Date.now();
    const del = await fetch(`${sandbox.api}/v10/channels/${info.channels.chat}/messages/${message.id}`, {
      method: 'DELETE',
      headers: { ...bot(), 'x-audit-log-reason': encodeURIComponent('spam: gold') },
    });
    expect(del.status).toBe(204);
    const actions = (await (await fetch(`${base}/actions?kind=message.deleted`)).json()) as {
      kind: string;
      at: number;
      reason: string;
      messageIds: string[];
    }[];
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      kind: 'message.deleted',
      reason: 'spam: gold',
      messageIds: [message.id],
    });
    expect(actions[0]?.at).toBeGreaterThanOrEqual(before);
    // A second delete of the same message is refused, and is not an action, but it is a call.
    const again = await fetch(`${sandbox.api}/v10/channels/${info.channels.chat}/messages/${message.id}`, {
      method: 'DELETE',
      headers: bot(),
    });
    expect(again.status).toBe(404);
    const path = `/channels/${info.channels.chat}/messages/${message.id}`;
    expect(sandbox.inspect.restCalls(before).filter((c) => c.path === path)).toMatchObject([
      { method: 'DELETE', status: 204 },
      { method: 'DELETE', status: 404 },
    ]);
  });

  it('switches faults on and off', async () => {
    await fetch(`${base}/faults`, {
      method: 'POST',
      body: JSON.stringify({ serverErrors: { share: 1, status: 503 } }),
    });
    expect((await fetch(`${sandbox.api}/v10/users/@me`, { headers: bot() })).status).toBe(503);
    await fetch(`${base}/faults`, { method: 'POST', body: JSON.stringify({ clear: true }) });
    expect((await fetch(`${sandbox.api}/v10/users/@me`, { headers: bot() })).status).toBe(200);
  });

  it('answers 400 with the field for an invalid input', async () => {
    const res = await fetch(`${base}/members`, { method: 'POST', body: JSON.stringify({ inviteCode: 5 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Record<string, unknown> }).errors).toHaveProperty('guildId');
  });

  it('takes a user message positionally too, and refuses a channel of another guild', () => {
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const message = sandbox.actions.postMessage(
      info.id,
      info.channels.general ?? '',
      info.memberIds[1] ?? '',
      'hi',
    );
    expect(sandbox.state.guilds[info.id]?.messages[message.id]?.content).toBe('hi');
    expect(() =>
      sandbox.actions.postMessage('1', info.channels.general ?? '', info.memberIds[1] ?? '', 'hi'),
    ).toThrow(/not in guild/);
  });

  it('keeps the bot token out of the state and refuses a request from a web page', async () => {
    const state = await (await fetch(`${base}/state`)).text();
    expect(state).not.toContain(sandbox.token);
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const before = sandbox.inspect.actions().length;
    // What a page on another site can send without a preflight: a text/plain POST.
    const forged = await fetch(`${base}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: JSON.stringify({ channelId: info.channels.chat, userId: info.memberIds[0], content: 'forged' }),
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ message: /no cross-origin requests/ });
    expect(sandbox.inspect.actions()).toHaveLength(before);
  });
});

describe('interaction callbacks', () => {
  it('answers 10062 Unknown interaction once the response window has passed', async () => {
    // The sandbox's clock, moved by hand: a busy machine cannot make the on-time answer late.
    let clock = Date.now();
    const sandbox = await startSandbox({
      port: 0,
      guilds: 1,
      interactionResponseWindowMs: 3000,
      now: () => clock,
    });
    try {
      const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
      const late = sandbox.actions.runSlashCommand({
        channelId: info.channels.general ?? '',
        userId: info.ownerId,
        name: 'status',
      });
      const onTime = sandbox.actions.runSlashCommand({
        channelId: info.channels.general ?? '',
        userId: info.ownerId,
        name: 'status',
      });
      const answer = (i: { id: string; token: string }) =>
        fetch(`${sandbox.api}/v10/interactions/${i.id}/${i.token}/callback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 4, data: { content: 'ok' } }),
        });
      expect((await answer(onTime)).status).toBe(204);
      clock += 3_001;
      const res = await answer(late);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: number }).code).toBe(10062);
    } finally {
      await sandbox.close();
    }
  });
});

describe('traffic over the inspection API', () => {
  it('starts a scenario on demand and replays a posted join trace', async () => {
    const sandbox = await startSandbox({ port: 0, guilds: 2, seed: 8 });
    try {
      const base = `http://127.0.0.1:${sandbox.port}/_sandbox`;
      const [guildId = ''] = sandbox.guilds;
      const before = Object.keys(sandbox.state.guilds[guildId]?.members ?? {}).length;
      const started = await fetch(`${base}/traffic`, {
        method: 'POST',
        body: JSON.stringify({ scenario: 'fast-flood', durationSec: 120, speed: 1e6, guildIds: [guildId] }),
      });
      const answer = (await started.json()) as {
        events: number;
        labels: { guildId: string; family: string }[];
      };
      expect(answer.labels).toEqual([expect.objectContaining({ guildId, family: 'fast-flood' })]);
      const guild = sandbox.state.guilds[guildId];
      for (let i = 0; i < 100 && Object.keys(guild?.members ?? {}).length < before + 60; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(Object.keys(guild?.members ?? {}).length).toBeGreaterThanOrEqual(before + 60);
      const line = {
        type: 'member.joined',
        ts: 1,
        guildId,
        userId: '400000000000000001',
        username: 'replayed',
        globalName: null,
        avatar: null,
        bot: false,
        inviteCode: null,
      };
      const replayed = await fetch(`${base}/replay`, { method: 'POST', body: `${JSON.stringify(line)}\n` });
      expect(await replayed.json()).toEqual({ events: 1 });
      for (let i = 0; i < 50 && !guild?.members['400000000000000001']; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(guild?.members['400000000000000001']).toBeDefined();
      const broken = await fetch(`${base}/replay`, { method: 'POST', body: '{"type":"member.left"}\n' });
      expect(broken.status).toBe(400);
    } finally {
      await sandbox.close();
    }
  });
});

describe('the inspection API on a sandbox listening on every address', () => {
  it('answers only on loopback, while the Discord API answers on any address', async () => {
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
    if (!external) return; // a machine with loopback only has no other address to try
    const open = await startSandbox({ port: 0, host: '0.0.0.0', guilds: 1, seed: 18 });
    try {
      const remote = await fetch(`http://${external}:${open.port}/_sandbox/state`);
      expect(remote.status).toBe(403);
      expect(await remote.json()).toMatchObject({ message: /only on loopback/ });
      const local = await fetch(`http://127.0.0.1:${open.port}/_sandbox/state`);
      expect(local.status).toBe(200);
      const api = await fetch(`http://${external}:${open.port}/api/v10/gateway`);
      expect(api.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
