import { startSandbox } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// POST /guilds/{id}/channels as Discord answers it: Manage Channels, and Manage Roles to set
// overwrites; 201 with the channel; bad bodies are form errors.

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const guilds = { full: '', noChannels: '', noRoles: '' };

beforeAll(async () => {
  sandbox = await startSandbox({
    guilds: [
      { members: 1 },
      { members: 1, botLacks: ['ManageChannels'] },
      { members: 1, botLacks: ['ManageRoles'] },
    ],
    seed: 3,
  });
  const [full = '', noChannels = '', noRoles = ''] = sandbox.guilds;
  Object.assign(guilds, { full, noChannels, noRoles });
});
afterAll(() => sandbox?.close());

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sandbox.api}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${sandbox.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const hidden = (id: string) => [{ id, type: 0, allow: '0', deny: '1024' }];

describe('creating a guild channel on the sandbox', () => {
  it('creates a text channel with its overwrites, lists it, and logs the action', async () => {
    const created = await call('POST', `/guilds/${guilds.full}/channels`, {
      name: 'Verify Here',
      type: 0,
      // Hidden from @everyone, shown to the bot (the sandbox lists only channels the bot sees).
      permission_overwrites: [
        ...hidden(guilds.full),
        { id: sandbox.botUserId, type: 1, allow: '1024', deny: '0' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'verify-here', type: 0, guild_id: guilds.full });
    expect(created.body.permission_overwrites).toEqual([
      { id: guilds.full, type: 0, allow: '0', deny: '1024' },
      { id: sandbox.botUserId, type: 1, allow: '1024', deny: '0' },
    ]);
    const listed = await call('GET', `/guilds/${guilds.full}/channels`);
    expect((listed.body as unknown as { id: string }[]).map((c) => c.id)).toContain(created.body.id);
    expect(sandbox.inspect.actions({ kind: 'channel.created', guildId: guilds.full })).toHaveLength(1);
  });

  it('refuses without Manage Channels, and overwrites without Manage Roles (403 50013)', async () => {
    const noChannels = await call('POST', `/guilds/${guilds.noChannels}/channels`, { name: 'x' });
    expect([noChannels.status, noChannels.body.code]).toEqual([403, 50013]);
    const noRoles = await call('POST', `/guilds/${guilds.noRoles}/channels`, {
      name: 'x',
      permission_overwrites: hidden(guilds.noRoles),
    });
    expect([noRoles.status, noRoles.body.code]).toEqual([403, 50013]);
    expect((await call('POST', `/guilds/${guilds.noRoles}/channels`, { name: 'x' })).status).toBe(201);
  });

  it('answers a body without a name with a form error (400 50035)', async () => {
    const bad = await call('POST', `/guilds/${guilds.full}/channels`, { type: 0 });
    expect([bad.status, bad.body.code]).toEqual([400, 50035]);
  });

  it('reads an escaped @me as the bot itself, like Discord', async () => {
    const me = await call('GET', '/users/%40me');
    expect([me.status, me.body.id]).toEqual([200, sandbox.botUserId]);
  });
});
