import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

let system: System;
let guildId: string;
let general: string;
let members: readonly string[];

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: 80 }], seed: 11 } });
  await Promise.all([system.start('gateway'), system.start('content-filter'), system.start('log-writer')]);
  guildId = system.sandbox.guilds[0] ?? '';
  const guild = system.sandbox.inspect.guild(guildId);
  general = guild.channels.general ?? '';
  members = guild.memberIds;
  await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
}, 120_000);
afterAll(() => system?.stop());

/** Every message id the bot deleted, alone or in bulk, as often as it was deleted. */
function deletedList(): string[] {
  return [
    ...system.sandbox.inspect.actions({ kind: 'message.deleted', guildId }),
    ...system.sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId }),
  ].flatMap((a) => a.messageIds ?? []);
}

function deletedIds(): Set<string> {
  return new Set(deletedList());
}

function warningsFor(userId: string) {
  return system.sandbox.inspect
    .actions({ kind: 'message.sent', channelId: general })
    .filter((a) => String(a.data.content).startsWith(`<@${userId}>`));
}

it('loses no action and doubles none when the enforcer is killed with SIGKILL mid-stream', async () => {
  const authors = members.slice(0, 20);
  const first = await system.start('enforcer');
  const messages = authors.map((userId, i) =>
    system.sandbox.users.postMessage({ channelId: general, userId, content: `raid here discord.gg/k${i}ll` }),
  );
  await waitFor(() => deletedIds().size >= 5, 'the first deletions', 30_000);
  first.child.kill('SIGKILL');
  await first.exited;
  // Deletions go in bulk and come first; the warnings follow within the send limit, so the
  // kill lands with warnings still to send.
  const warnedBeforeCrash = authors.filter((a) => warningsFor(a).length > 0).length;
  await system.start('enforcer');
  await waitFor(() => messages.every((m) => deletedIds().has(m.id)), 'every deletion', 60_000);
  // What the dead enforcer held comes back after the 30-s ack deadline, then waits on the limit.
  await waitFor(() => authors.every((a) => warningsFor(a).length >= 1), 'every warning', 75_000);
  await new Promise((r) => setTimeout(r, 1_500)); // room for a doubled action to show up

  expect(warnedBeforeCrash).toBeLessThan(authors.length);
  expect(deletedList()).toHaveLength(deletedIds().size);
  expect(authors.map((a) => warningsFor(a).length)).toEqual(authors.map(() => 1));
  const audited = await system.database.db
    .selectFrom('audit_log')
    .select(['action', 'target_id'])
    .where('guild_id', '=', guildId)
    .where('action', '=', 'member.warn')
    .execute();
  expect(audited.map((r) => r.target_id).sort()).toEqual([...authors].sort());
}, 150_000);

it('delays actions through a 429 storm without losing them', async () => {
  const authors = members.slice(20, 30);
  system.sandbox.faults.rateLimitStorm(0.5);
  try {
    const messages = authors.map((userId) =>
      system.sandbox.users.postMessage({ channelId: general, userId, content: 'storm at discord.gg/st0rm' }),
    );
    await waitFor(
      () => messages.every((m) => deletedIds().has(m.id)),
      'every deletion through the storm',
      90_000,
    );
    await waitFor(
      () => authors.every((a) => warningsFor(a).length === 1),
      'every warning through the storm',
      60_000,
    );
  } finally {
    system.sandbox.faults.clear();
  }
}, 150_000);

it('retries actions through Discord 5xx errors without losing or doubling them', async () => {
  const authors = members.slice(30, 38);
  system.sandbox.faults.serverErrors(0.4);
  try {
    const messages = authors.map((userId) =>
      system.sandbox.users.postMessage({
        channelId: general,
        userId,
        content: 'errors at discord.gg/5xxerr',
      }),
    );
    await waitFor(
      () => messages.every((m) => deletedIds().has(m.id)),
      'every deletion through the errors',
      90_000,
    );
    await waitFor(
      () => authors.every((a) => warningsFor(a).length >= 1),
      'every warning through the errors',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(authors.map((a) => warningsFor(a).length)).toEqual(authors.map(() => 1));
  } finally {
    system.sandbox.faults.clear();
  }
}, 150_000);
