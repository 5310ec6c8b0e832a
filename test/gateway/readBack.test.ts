import { DeliverPolicy } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

let system: System;

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: 40 }], seed: 23 } });
  await Promise.all([system.start('content-filter'), system.start('enforcer')]);
}, 120_000);
afterAll(() => system?.stop());

/** How many times each message (by id) or join (by user id) was published on the DISCORD stream. */
async function publishedCounts(): Promise<Map<string, number>> {
  const consumer = await system.bus.js.consumers.get(system.bus.ns.stream('DISCORD'), {
    deliver_policy: DeliverPolicy.All,
  });
  const counts = new Map<string, number>();
  const { state } = await system.bus.jsm.streams.info(system.bus.ns.stream('DISCORD'));
  for (let read = 0; read < state.messages; read++) {
    const msg = await consumer.next({ expires: 2_000 });
    if (!msg) break;
    if (msg.subject.endsWith('.message.created') || msg.subject.endsWith('.member.joined')) {
      const { messageId, userId } = msg.json<{ messageId?: string; userId?: string }>();
      const id = messageId ?? userId ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

it('messages posted and members joined while the gateway is down and its session expired are read back and judged once', async () => {
  const { sandbox } = system;
  const guildId = sandbox.guilds[0] ?? '';
  const view = sandbox.inspect.guild(guildId);
  const [general, chat] = [view.channels.general ?? '', view.channels.chat ?? ''];
  const member = (i: number) => view.memberIds[i] ?? '';
  const deletions = (id: string) =>
    [
      ...sandbox.inspect.actions({ kind: 'message.deleted', guildId }),
      ...sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId }),
    ].filter((a) => (a.messageIds ?? []).includes(id)).length;
  const warningsFor = (userId: string) =>
    sandbox.inspect
      .actions({ kind: 'message.sent', guildId })
      .filter((a) => String(a.data.content).startsWith(`<@${userId}>`)).length;
  const post = (channelId: string, i: number, content: string) =>
    sandbox.users.postMessage({ channelId, userId: member(i), content }).id;

  const first = await system.start('gateway');
  // Both channels are active before the crash: the gateway notes the last message of each.
  const before = [post(general, 1, 'see discord.gg/bef0re'), post(chat, 2, 'hello before')];
  const joinedBefore = sandbox.users.addMember({ guildId }).user.id;
  await waitFor(() => deletions(before[0] ?? '') === 1, 'the violation before the crash', 30_000);
  await new Promise((r) => setTimeout(r, 1_000));
  first.child.kill('SIGKILL');
  await first.exited;

  const authors = [3, 4, 5, 6];
  const missed = authors.map((i, n) => post(n % 2 ? chat : general, i, `while down discord.gg/d0wn${n}`));
  const harmless = post(chat, 7, 'just chatting while it is down');
  const joinedWhileDown = sandbox.users.addMember({ guildId }).user.id;
  // Discord forgets the session: the next run's RESUME is refused with op 9.
  expect(sandbox.faults.invalidateGatewaySessions()).toBeGreaterThan(0);

  const second = await system.start('gateway');
  await waitFor(() => missed.every((id) => deletions(id) >= 1), 'every missed violation deleted', 60_000);
  await waitFor(
    () => authors.every((i) => warningsFor(member(i)) >= 1),
    'a warning for every missed violation',
    30_000,
  );
  await new Promise((r) => setTimeout(r, 2_000)); // room for a second judgement to show up

  expect(second.output()).toMatch(/"outcome":"refused"[^\n]*stale gateway session replayed/);
  expect(second.output()).toMatch(/channel read back after a refused resume/);
  expect(missed.map(deletions)).toEqual(missed.map(() => 1));
  expect(authors.map((i) => warningsFor(member(i)))).toEqual(authors.map(() => 1));
  expect(deletions(before[0] ?? '')).toBe(1);
  const published = await publishedCounts();
  for (const id of [...before, ...missed, harmless, joinedBefore, joinedWhileDown])
    expect(published.get(id), id).toBe(1);
  expect(second.output()).toMatch(/"joins":1,"msg":"joins read back after a refused resume"/);
}, 180_000);
