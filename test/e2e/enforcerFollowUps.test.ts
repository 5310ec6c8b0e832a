import { createDiscordRest } from '@chat-guard/discord';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

// The enforcer acknowledges a verdict once the message is deleted and its follow-ups (the case,
// the warning, the audit entries) are stored on the FOLLOWUPS stream. Killed after that ack and
// before the warning, a restarted enforcer must still warn and audit, once.

/** Discord's per-channel send limit in the sandbox: 5 messages per 5 seconds. */
const SEND_LIMIT = 5;

let system: System;
let guildId: string;
let general: string;
let member: string;

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: 20 }], seed: 31 } });
  await Promise.all([system.start('gateway'), system.start('content-filter'), system.start('log-writer')]);
  guildId = system.sandbox.guilds[0] ?? '';
  const guild = system.sandbox.inspect.guild(guildId);
  general = guild.channels.general ?? '';
  member = guild.memberIds[0] ?? '';
  await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
}, 120_000);
afterAll(() => system?.stop());

/** What a durable consumer still has: not yet delivered, and delivered but not acknowledged. */
async function unsettled(stream: string, durable: string) {
  const info = await system.bus.jsm.consumers.info(system.bus.ns.stream(stream), durable);
  return { pending: info.num_pending, held: info.num_ack_pending };
}

const warnings = () =>
  system.sandbox.inspect
    .actions({ kind: 'message.sent', channelId: general })
    .filter((a) => String(a.data.content).startsWith(`<@${member}>`));

async function auditedFor(messageId: string) {
  const rows = await system.database.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('guild_id', '=', guildId)
    .where('target_id', '=', member)
    .execute();
  return rows
    .filter((r) => (r.details as Record<string, unknown>).messageId === messageId)
    .map((r) => r.action);
}

it('warns and audits exactly once when the enforcer is killed after acking a verdict, before its warning', async () => {
  const first = await system.start('enforcer');
  // The bot uses up #general's send limit, so the warning waits on a 429 for up to 5 s.
  const bot = createDiscordRest({ api: system.sandbox.api, token: system.sandbox.token });
  for (let i = 0; i < SEND_LIMIT; i++) await bot.sendMessage(general, { content: `announcement ${i}` });
  const message = system.sandbox.users.postMessage({
    channelId: general,
    userId: member,
    content: 'join my server discord.gg/f0llow',
  });

  await waitFor(
    async () => {
      const verdicts = await unsettled('VERDICTS', 'enforcer');
      const followUps = await unsettled('FOLLOWUPS', 'enforcer-followups');
      return verdicts.pending + verdicts.held === 0 && followUps.held === 1;
    },
    'the verdict acknowledged and its follow-up in hand',
    4_000,
  );
  first.child.kill('SIGKILL');
  await first.exited;
  const deleted = system.sandbox.inspect
    .actions({ kind: 'message.deleted', guildId })
    .flatMap((a) => a.messageIds ?? []);
  expect(deleted).toEqual([message.id]);
  expect(warnings()).toHaveLength(0);

  // The dead enforcer's follow-up comes back after the 30-s ack deadline.
  await system.start('enforcer');
  await waitFor(async () => (await auditedFor(message.id)).length === 2, 'the warning audited', 75_000);
  await waitFor(
    async () => {
      const followUps = await unsettled('FOLLOWUPS', 'enforcer-followups');
      return followUps.pending + followUps.held === 0;
    },
    'the follow-up acknowledged',
    10_000,
  );
  await new Promise((r) => setTimeout(r, 1_500)); // room for a doubled action to show up

  expect(warnings()).toHaveLength(1);
  expect((await auditedFor(message.id)).sort()).toEqual(['member.warn', 'message.delete']);
  const cases = await system.database.db
    .selectFrom('moderation_case')
    .select('action')
    .where('guild_id', '=', guildId)
    .where('user_id', '=', member)
    .execute();
  expect(cases.map((c) => c.action)).toEqual(['warn']);
}, 150_000);
