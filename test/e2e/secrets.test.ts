import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

// The system run with a known bot token and a database password in its URL; every line the
// services print is searched for both, through start, traffic, a failing dependency and drain.
const TOKEN = 'known-bot-token-5e9c2a7b41d8';
const PASSWORD = 'known-db-password-3f1a9c';
let system: System;

beforeAll(async () => {
  system = await startSystem({ sandbox: { token: TOKEN } });
}, 60_000);
afterAll(() => system?.stop());

it('never prints the bot token or the database password, not even in connection errors', async () => {
  const url = new URL(system.database.url);
  url.username = 'postgres';
  url.password = PASSWORD; // trust auth on this machine: accepted, and never needed
  const withPassword = { DATABASE_URL: url.toString() };
  await Promise.all([
    system.start('gateway', withPassword),
    system.start('content-filter', withPassword),
    system.start('enforcer', withPassword),
    system.start('log-writer', withPassword),
  ]);
  // One more enforcer whose database does not answer: its errors carry the URL.
  const unreachable = new URL(url);
  unreachable.port = '1';
  await system.start('enforcer', { DATABASE_URL: unreachable.toString() });

  const guildId = system.sandbox.guilds[0] ?? '';
  const view = system.sandbox.inspect.guild(guildId);
  const message = system.sandbox.actions.postMessage({
    channelId: view.channels.general ?? '',
    userId: view.memberIds[3] ?? '',
    content: 'come to discord.gg/elsewhere',
  });
  await waitFor(
    () =>
      system.sandbox.inspect
        .actions({ kind: 'message.deleted', guildId })
        .some((a) => a.messageIds?.includes(message.id)),
    'the invite link to be deleted',
    30_000,
  );
  await new Promise((r) => setTimeout(r, 2_000));
  const logs = system.logs();
  expect(logs).toContain('"msg":"ready"');
  // The unreachable database's connection error was printed: the check below reads real errors.
  expect(logs).toMatch(/ECONNREFUSED 127\.0\.0\.1:1\b/);
  expect(logs).not.toContain(TOKEN);
  expect(logs).not.toContain(PASSWORD);
}, 120_000);
