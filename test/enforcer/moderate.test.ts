import { moderate } from '@chat-guard/enforcer';
import { describe, expect, it } from 'vitest';
import {
  cases,
  dmsTo,
  guildId,
  harness,
  moderation,
  moderationTestSetUp,
  sandbox,
  view,
} from './moderationHarness.ts';

moderationTestSetUp();

const member = (i: number) => view().memberIds[i] ?? '';
const state = () => sandbox.state.guilds[guildId];

describe("a moderator's action through the enforcer", () => {
  it('warns: a case in the moderator’s name, a DM with the case, an audit entry naming both', async () => {
    const { deps, audits } = harness();
    const target = member(0);
    const result = await moderate(deps, moderation('warn', { userId: target, reason: 'be kind' }));
    expect(result).toMatchObject({ caseNumber: 1, outcome: { status: 'done' } });
    const [dm] = dmsTo(target);
    expect(dm?.content).toBe('**Tea Room**: you were warned (case #1).\nReason: be kind');
    expect(dm?.components).toEqual([]);
    expect(await cases()).toMatchObject([
      {
        number: 1,
        user_id: target,
        actor_id: view().moderatorId,
        action: 'warn',
        reason: 'be kind',
        counts: true,
      },
    ]);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'member.warn',
        actorId: view().moderatorId,
        targetId: target,
        reason: 'be kind',
        details: { caseNumber: 1, dm: 'sent' },
      }),
    ]);
  });

  it('times out with the Appeal button when the guild takes appeals, once however often delivered', async () => {
    const { deps, audits } = harness({ appealChannelId: view().channels.alerts ?? '' });
    const target = member(1);
    const request = moderation('timeout', { userId: target, reason: 'spam', durationMs: 10 * 60_000 });
    await moderate(deps, request);
    await moderate(deps, request);
    expect(Date.parse(state()?.members[target]?.communicationDisabledUntil ?? '')).toBeGreaterThan(
      Date.now() + 9 * 60_000,
    );
    expect(sandbox.inspect.actions({ kind: 'member.timedOut', userId: target })).toHaveLength(1);
    const dms = dmsTo(target);
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]?.components)).toContain(`"custom_id":"appeal:${guildId}:1"`);
    expect(await cases()).toHaveLength(1);
    expect(audits.map((a) => a.details.caseNumber)).toEqual([1, 1]);
  });

  it('tells a member before kicking or banning them (no DM reaches them after), and bans with days of messages', async () => {
    const { deps } = harness();
    const kicked = member(2);
    await moderate(deps, moderation('kick', { userId: kicked, reason: 'ads' }));
    expect(dmsTo(kicked)[0]?.content).toMatch(/you were removed from the server \(case #1\)/);
    expect(state()?.members[kicked]).toBeUndefined();

    const banned = member(3);
    const channelId = view().channels.chat ?? '';
    const posted = sandbox.actions.postMessage({ channelId, userId: banned, content: 'buy now' });
    await moderate(deps, moderation('ban', { userId: banned, reason: 'scam', deleteMessageSeconds: 86_400 }));
    expect(state()?.bans[banned]).toBeDefined();
    expect(state()?.messages[posted.id]).toBeUndefined();
    expect(sandbox.inspect.actions({ kind: 'member.banned', userId: banned })[0]?.reason).toMatch(
      /^Case #2 by \d+: scam$/,
    );
  });

  it('records a refusal by Discord, and takes back the DM that announced it', async () => {
    const { deps, audits } = harness();
    const admin = view().adminId ?? ''; // the Admin role sits above the bot's
    const result = await moderate(
      deps,
      moderation('ban', { userId: admin, reason: 'test', deleteMessageSeconds: 0 }),
    );
    expect(result.outcome).toMatchObject({ status: 'failed' });
    expect(state()?.bans[admin]).toBeUndefined();
    expect(dmsTo(admin).map((m) => m.content)).toEqual([
      expect.stringMatching(/you were banned/),
      '**Tea Room**: the action of case #1 announced above was not carried out after all.',
    ]);
    expect(audits[0]).toMatchObject({
      action: 'action.failed',
      reason: expect.stringMatching(/^member\.ban refused: .*Missing Permissions/),
      details: { attempted: 'member.ban', caseNumber: 1 },
    });
  });

  it('purges by bulk delete (or one delete for one message), unbans, and keeps notes private', async () => {
    const { deps } = harness();
    const channelId = view().channels.media ?? '';
    const ids = [0, 1, 2].map(
      (i) => sandbox.actions.postMessage({ channelId, userId: member(4), content: `x${i}` }).id,
    );
    await moderate(
      deps,
      moderation('purge', { userId: member(4), reason: 'flood', channelId, messageIds: ids }),
    );
    expect(sandbox.inspect.actions({ kind: 'messages.bulkDeleted', channelId })[0]?.messageIds).toEqual(ids);
    const one = sandbox.actions.postMessage({ channelId, userId: member(5), content: 'y' }).id;
    await moderate(deps, moderation('purge', { userId: null, reason: 'tidy', channelId, messageIds: [one] }));
    expect(
      sandbox.inspect.actions({ kind: 'message.deleted', channelId }).map((a) => a.messageIds?.[0]),
    ).toContain(one);

    sandbox.core.ban(sandbox.core.guild(guildId), member(6), 'earlier');
    await moderate(deps, moderation('unban', { userId: member(6), reason: 'served' }));
    expect(state()?.bans[member(6)]).toBeUndefined();
    await moderate(deps, moderation('note', { userId: member(7), reason: 'watch' }));
    expect(dmsTo(member(7))).toEqual([]);
    expect((await cases()).map((c) => [c.number, c.action, c.counts])).toEqual([
      [1, 'purge', false],
      [2, 'purge', false],
      [3, 'unban', false],
      [4, 'note', false],
    ]);
  });

  it('tells the moderator the case number in a private follow-up of their command', async () => {
    const { deps } = harness();
    const interaction = sandbox.interactions.runSlashCommand({
      channelId: view().channels.general ?? '',
      userId: view().moderatorId ?? '',
      name: 'warn',
    });
    await fetch(`${sandbox.api}/v10/interactions/${interaction.id}/${interaction.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 5, data: { flags: 64 } }),
    });
    const reply = { applicationId: sandbox.applicationId, token: interaction.token };
    const result = await moderate(
      deps,
      moderation('warn', { userId: member(8), reason: 'calm down', reply }),
    );
    expect(result.reply).toBe('sent');
    const followUp = sandbox.inspect.actions({ kind: 'interaction.followUp' })[0];
    expect(followUp?.data).toMatchObject({
      content: `Case #1: <@${member(8)}> warned. They were told by DM.`,
      flags: 64,
    });
  });
});
