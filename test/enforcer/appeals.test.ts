import { decideAppeal, moderate, submitAppeal } from '@chat-guard/enforcer';
import { describe, expect, it } from 'vitest';
import {
  cases,
  database,
  dmsTo,
  guildId,
  harness,
  moderation,
  moderationTestSetUp,
  sandbox,
  view,
} from './moderationHarness.ts';

moderationTestSetUp();

let seq = 1_600_000_000_000_000_000n;
const next = () => {
  seq += 1n;
  return seq.toString();
};
const appealChannel = () => view().channels.alerts ?? '';
const appeal = (caseNumber: number, userId: string, at = Date.now()) => ({
  guildId,
  caseNumber,
  userId,
  text: 'It was my little brother on my account.',
  requestId: next(),
  submittedAt: at,
});
const decision = (caseNumber: number, choice: 'accept' | 'deny') => ({
  guildId,
  caseNumber,
  decision: choice,
  moderatorId: view().adminId ?? '',
  requestId: next(),
  decidedAt: Date.now(),
});
const appealRows = () => database.db.selectFrom('appeal').selectAll().orderBy('id').execute();
const posts = () => sandbox.inspect.actions({ kind: 'message.sent', channelId: appealChannel() });

describe('appeals in the enforcer', () => {
  it('posts an appeal with Accept and Deny, one open per case, and an accepted ban is lifted and its count reset', async () => {
    const { deps, audits } = harness({ appealChannelId: appealChannel() });
    const member = view().memberIds[0] ?? '';
    await moderate(deps, moderation('warn', { userId: member, reason: 'earlier' }));
    await moderate(deps, moderation('ban', { userId: member, reason: 'raid', deleteMessageSeconds: 0 }));
    expect(await submitAppeal(deps, appeal(2, member))).toEqual({ kind: 'posted' });
    const [post] = posts();
    expect(JSON.stringify(post?.data)).toContain('It was my little brother on my account.');
    expect(JSON.stringify(post?.data)).toContain('"custom_id":"appeal-decision:accept:2"');
    expect(await submitAppeal(deps, appeal(2, member))).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/waiting/),
    });
    expect(await submitAppeal(deps, appeal(1, member))).toMatchObject({
      kind: 'refused',
      reason: /only timeouts, kicks and bans/i,
    });
    const [row] = await appealRows();
    expect(row).toMatchObject({ case_number: 2, status: 'open', text_length: 39 });
    expect(JSON.stringify(await appealRows())).not.toContain('brother');

    expect(await decideAppeal(deps, decision(2, 'accept'))).toEqual({ kind: 'accepted' });
    expect(sandbox.state.guilds[guildId]?.bans[member]).toBeUndefined();
    expect((await cases()).map((c) => [c.number, c.counts])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(
      sandbox.inspect.actions({ kind: 'message.edited', channelId: appealChannel() })[0]?.data,
    ).toMatchObject({
      content: `Accepted by <@${view().adminId}>.`,
      components: [],
    });
    const accepted = audits.find((a) => a.action === 'appeal.accepted');
    // A member unbanned shares no server with the bot: Discord lets no DM through, and that is recorded.
    expect(accepted).toMatchObject({
      actorId: view().adminId,
      targetId: member,
      details: { caseNumber: 2, countReset: true, undo: 'done', dm: expect.stringMatching(/^refused/) },
    });
    expect((await cases())[1]?.audit_keys).toEqual(
      expect.arrayContaining([expect.stringMatching(/^appeal:/), expect.stringMatching(/^appeal-decision:/)]),
    );
    // A second click (another moderator, the other button) finds nothing open.
    expect(await decideAppeal(deps, decision(2, 'deny'))).toMatchObject({ kind: 'ignored' });
  });

  it('denies, tells the member, and holds a new appeal back for the cool-down', async () => {
    const { deps } = harness({ appealChannelId: appealChannel(), appealCooldownHours: 24 });
    const member = view().memberIds[1] ?? '';
    await moderate(deps, moderation('timeout', { userId: member, reason: 'flood', durationMs: 3_600_000 }));
    expect(await submitAppeal(deps, appeal(1, member))).toEqual({ kind: 'posted' });
    expect(await decideAppeal(deps, decision(1, 'deny'))).toEqual({ kind: 'denied' });
    expect(dmsTo(member).at(-1)?.content).toBe('**Tea Room**: your appeal of case #1 was denied.');
    expect(sandbox.state.guilds[guildId]?.members[member]?.communicationDisabledUntil).not.toBeNull();
    expect(await submitAppeal(deps, appeal(1, member))).toMatchObject({
      kind: 'refused',
      reason: /denied\. You can appeal again/,
    });
    expect(await submitAppeal(deps, appeal(1, member, Date.now() + 25 * 3_600_000))).toEqual({
      kind: 'posted',
    });
    expect(await decideAppeal(deps, decision(1, 'accept'))).toEqual({ kind: 'accepted' });
    expect(sandbox.state.guilds[guildId]?.members[member]?.communicationDisabledUntil).toBeNull();
    expect(dmsTo(member).at(-1)?.content).toBe(
      '**Tea Room**: your appeal of case #1 was accepted. Your timeout is lifted.',
    );
  });

  it("refuses another member's case, and an appeal when the guild takes none", async () => {
    const { deps } = harness({ appealChannelId: appealChannel() });
    const member = view().memberIds[2] ?? '';
    await moderate(deps, moderation('kick', { userId: member, reason: 'ads' }));
    expect(await submitAppeal(deps, appeal(1, view().memberIds[3] ?? ''))).toMatchObject({
      kind: 'refused',
      reason: 'There is no such case of yours.',
    });
    const off = harness({ appealChannelId: null });
    expect(await submitAppeal(off.deps, appeal(1, member))).toMatchObject({
      kind: 'refused',
      reason: /does not take appeals/,
    });
    expect(await appealRows()).toEqual([]);
    expect(posts()).toEqual([]);
  });
});
