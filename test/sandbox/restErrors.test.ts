import { once } from 'node:events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { Client, DiscordAPIError, Events, GatewayIntentBits, RESTEvents, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('rate limits, faults and errors as discord.js sees them', () => {
  let sandbox: Sandbox;
  let client: Client;
  let guildId: string;
  let limitedGuildId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: 3, guilds: [{}, { botLacks: ['ManageGuild'] }] });
    [guildId = '', limitedGuildId = ''] = sandbox.guilds;
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sandbox.api, retries: 3 } });
    const ready = once(client, Events.ClientReady);
    await client.login(sandbox.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await sandbox?.close();
  });

  function channel(name: string): TextChannel {
    const id = sandbox.inspect.guild(guildId).channels[name] ?? '';
    return client.channels.cache.get(id) as TextChannel;
  }

  it('discord.js waits out a 429 from the sandbox and the request then succeeds', async () => {
    const statuses: number[] = [];
    client.rest.on(RESTEvents.Response, (_request, response) => statuses.push(response.status));
    sandbox.faults.rateLimitStorm(1, { times: 1, retryAfterMs: 1000 });
    const started = Date.now();
    const message = await channel('general').send('after the storm');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(statuses).toEqual([429, 200]);
    expect(sandbox.state.guilds[guildId]?.messages[message.id]?.content).toBe('after the storm');
  });

  it('discord.js retries 5xx answers and succeeds when the errors stop', async () => {
    sandbox.faults.serverErrors(1, { times: 2, status: 502 });
    const fetched = await client.rest.get(`/channels/${channel('chat').id}`);
    expect((fetched as { name: string }).name).toBe('chat');
  });

  it('a 5xx after the effect makes a naive retry send twice, and an enforced nonce sends once', async () => {
    const id = channel('chat').id;
    const count = () =>
      Object.values(sandbox.state.guilds[guildId]?.messages ?? {}).filter((m) => m.channelId === id).length;
    const before = count();
    sandbox.faults.serverErrors(1, { times: 1, afterEffect: true });
    await client.rest.post(`/channels/${id}/messages`, { body: { content: 'naive' } });
    expect(count()).toBe(before + 2);
    sandbox.faults.serverErrors(1, { times: 1, afterEffect: true });
    await client.rest.post(`/channels/${id}/messages`, {
      body: { content: 'once', nonce: 'verdict-1', enforce_nonce: true },
    });
    expect(count()).toBe(before + 3);
  });

  it('a 403 surfaces as DiscordAPIError 50013 when the bot lacks Manage Guild', async () => {
    const guild = client.guilds.cache.get(limitedGuildId);
    const error = await guild?.invites.fetch().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50013);
    expect((error as DiscordAPIError).status).toBe(403);
  });

  it('the owner and administrators cannot be timed out: 403 50013', async () => {
    const info = sandbox.inspect.guild(guildId);
    const guild = client.guilds.cache.get(guildId);
    for (const userId of [info.ownerId, info.adminId ?? '']) {
      const member = await guild?.members.fetch(userId);
      const error = await member?.timeout(60_000).catch((err: unknown) => err);
      expect((error as DiscordAPIError).code).toBe(50013);
    }
    expect(sandbox.inspect.actions({ kind: 'member.timedOut' })).toEqual([]);
  });

  it('unknown ids answer 404 with the Discord code', async () => {
    const error = await channel('general')
      .messages.delete('1234567890123456789')
      .catch((err: unknown) => err);
    expect((error as DiscordAPIError).code).toBe(10008);
    expect((error as DiscordAPIError).status).toBe(404);
  });

  it('a route bucket answers with X-RateLimit headers and a 429 body once it is spent', async () => {
    const url = `${sandbox.api}/v10/channels/${channel('media').id}/messages`;
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bot ${sandbox.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'x' }),
      });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post());
    expect(answers.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[4]?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(answers[0]?.headers.get('x-ratelimit-limit')).toBe('5');
    expect(answers[0]?.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
    const limited = answers[5];
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited?.json()) as { retry_after: number; global: boolean; message: string };
    expect(body.global).toBe(false);
    expect(body.retry_after).toBeGreaterThan(0);
  });

  it('latency and a global storm hit the share of requests they are set for', async () => {
    const me = () =>
      fetch(`${sandbox.api}/v10/users/@me`, { headers: { authorization: `Bot ${sandbox.token}` } });
    sandbox.faults.latency(300, 1, { times: 1 });
    let started = Date.now();
    expect((await me()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await me();
    expect(Date.now() - started).toBeLessThan(290);
    sandbox.faults.rateLimitStorm(1, { times: 1, global: true, retryAfterMs: 2000 });
    const limited = await me();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toEqual({
      message: 'You are being rate limited.',
      retry_after: 2,
      global: true,
    });
    expect((await me()).status).toBe(200);
  });

  it('a wrong token gets 401 from REST', async () => {
    const res = await fetch(`${sandbox.api}/v10/users/@me`, { headers: { authorization: 'Bot nope' } });
    expect(res.status).toBe(401);
  });
});

describe('the global rate limit', () => {
  it('answers 429 with X-RateLimit-Global once the per-second budget is spent', async () => {
    const sandbox = await startSandbox({ port: 0, guilds: 1, globalRequestsPerSecond: 3 });
    try {
      const get = () =>
        fetch(`${sandbox.api}/v10/users/@me`, { headers: { authorization: `Bot ${sandbox.token}` } });
      const statuses = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await get();
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last?.headers.get('x-ratelimit-global')).toBe('true');
      const body = (await last?.json()) as { global: boolean } | undefined;
      expect(body?.global).toBe(true);
    } finally {
      await sandbox.close();
    }
  });
});
