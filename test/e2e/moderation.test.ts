import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

// The moderators' tools across the real services on the sandbox: the gateway (real discord.js),
// the enforcer and the log-writer, each its own process. (Every command, in one process:
// test/gateway/moderationCommands.test.ts.)

let system: System;
beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: 10, name: 'Tea Room' }], seed: 19 } });
  await Promise.all([system.start('gateway'), system.start('enforcer'), system.start('log-writer')]);
  const [guildId = ''] = system.sandbox.guilds;
  await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
}, 180_000);
afterAll(() => system?.stop());

const guild = () => system.sandbox.guilds[0] ?? '';
const view = () => system.sandbox.inspect.guild(guild());
const chain = (action: string) =>
  system.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('guild_id', '=', guild())
    .where('action', '=', action)
    .execute();

describe("moderators' tools, end to end", () => {
  it('bans by command, and the member appeals by the buttons of the DM until an admin accepts', async () => {
    const { sandbox } = system;
    expect(
      await system.command(
        guild(),
        'modsettings',
        { channel: view().channels.alerts ?? '' },
        'appealchannel',
      ),
    ).toMatch(/Appeals are on/);
    const target = view().memberIds[0] ?? '';
    expect(await system.command(guild(), 'ban', { member: target, reason: 'raid' })).toBe(
      `Banning <@${target}>…`,
    );
    await waitFor(() => sandbox.state.guilds[guild()]?.bans[target] !== undefined, 'the ban', 30_000).catch(
      (err) => {
        throw new Error(`${err}\n${system.logs()}`);
      },
    );
    await waitFor(async () => (await chain('member.ban')).length === 1, 'the chain entry', 30_000);
    expect((await chain('member.ban'))[0]).toMatchObject({ actor_id: view().adminId, target_id: target });

    const dm = Object.values(sandbox.state.dmChannels).find((c) => c.userId === target);
    const notice = dm?.messages[0];
    if (!dm || !notice) throw new Error('no DM');
    expect(notice.content).toMatch(/^\*\*Tea Room\*\*: you were banned \(case #1\)\.\nReason: raid/);
    const click = sandbox.interactions.clickButton({
      channelId: dm.id,
      userId: target,
      messageId: notice.id,
      customId: `appeal:${guild()}:1`,
    });
    await waitFor(() => sandbox.state.interactions[click.id]?.modal != null, 'the appeal form', 30_000);
    sandbox.interactions.submitModal({
      interactionId: click.id,
      values: { 'appeal-text': 'Someone used my account; it is safe again.' },
    });
    const alerts = view().channels.alerts ?? '';
    const post = () => sandbox.inspect.actions({ kind: 'message.sent', channelId: alerts })[0];
    await waitFor(() => post() !== undefined, 'the appeal in the appeal channel', 30_000);

    sandbox.interactions.clickButton({
      channelId: alerts,
      userId: view().adminId ?? '',
      messageId: post()?.messageIds?.[0] ?? '',
      customId: 'appeal-decision:accept:1',
    });
    await waitFor(() => sandbox.state.guilds[guild()]?.bans[target] === undefined, 'the unban', 30_000);
    await waitFor(
      async () => (await chain('appeal.accepted')).length === 1,
      'the decision in the chain',
      30_000,
    );
    const [accepted] = await chain('appeal.accepted');
    expect(accepted).toMatchObject({ actor_id: view().adminId, target_id: target });
  }, 180_000);
});
