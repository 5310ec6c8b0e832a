import { verifyGuildChain } from '@chat-guard/log-writer';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { desk, useModerationDesk } from '../support/moderationDesk.ts';

// Every moderator command through the real discord.js client on the sandbox, the gateway's
// own interaction handler, the enforcer's handlers and the log-writer's chain, over the real
// bus and database (the appeal that follows a ban: appealRoundTrip.test.ts).

const { view, member, run, done, dmsTo, caseOf, chain } = useModerationDesk();

describe('moderators’ commands, refused by the role hierarchy and the caller’s permissions', () => {
  it.each<[string, () => string, string, Record<string, string | number>, RegExp]>([
    [
      'a member above the caller',
      () => view().moderatorId ?? '',
      'warn',
      { member: '@admin', reason: 'x' },
      /You cannot act on a member whose top role is at or above yours\. Nothing was done\./,
    ],
    [
      'the caller themselves',
      () => view().moderatorId ?? '',
      'warn',
      { member: '@moderator', reason: 'x' },
      /You cannot warn yourself/,
    ],
    [
      'the owner',
      () => view().adminId ?? '',
      'kick',
      { member: '@owner', reason: 'x' },
      /Nobody can act on the server owner/,
    ],
    [
      'a member above the bot',
      () => view().adminId ?? '',
      'timeout',
      { member: '@senior', duration: '1h', reason: 'x' },
      /I cannot time out <@\d+>: their top role is at or above mine/,
    ],
    [
      'a member with Administrator (timeout)',
      () => view().adminId ?? '',
      'timeout',
      { member: '@helper', duration: '1h', reason: 'x' },
      /Discord does not let anyone time out a member with Administrator/,
    ],
    [
      'a command beyond the caller’s permissions',
      () => view().moderatorId ?? '',
      'ban',
      { member: '@member', reason: 'x' },
      /\/ban is for moderators \(Ban Members\) only/,
    ],
    [
      'a duration out of range',
      () => view().adminId ?? '',
      'timeout',
      { member: '@member', duration: '30d', reason: 'x' },
      /from 1 minute to 28 days/,
    ],
  ])('refuses %s, saying why, and does nothing', async (_what, caller, name, raw, expected) => {
    const who: Record<string, string> = {
      '@admin': view().adminId ?? '',
      '@moderator': view().moderatorId ?? '',
      '@owner': view().ownerId,
      '@senior': desk.ids.senior_member,
      '@helper': desk.ids.helper_member,
      '@member': member(9),
    };
    const options = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? (who[v] ?? v) : v]),
    );
    const before = desk.sandbox.inspect
      .actions({ guildId: desk.guildId })
      .filter((a) => a.kind.startsWith('member.')).length;
    expect((await run(caller(), name, options)).reply).toMatch(expected);
    const stream = await desk.bus.jsm.streams.info(desk.bus.ns.stream('VERDICTS'), { subjects_filter: '>' });
    expect(Object.keys(stream.state.subjects ?? {}).some((s) => s.endsWith('.moderation'))).toBe(false);
    expect(
      desk.sandbox.inspect.actions({ guildId: desk.guildId }).filter((a) => a.kind.startsWith('member.'))
        .length,
    ).toBe(before);
  });
});

describe('moderators’ commands, carried out', () => {
  it('/warn: a DM, a case and a chain entry naming the moderator', async () => {
    const target = member(0);
    const result = await run(view().moderatorId ?? '', 'warn', { member: target, reason: 'stay on topic' });
    expect(result.reply).toBe(`Warning <@${target}>…`);
    const followUp = await done(result);
    const caseNumber = Number(/Case #(\d+)/.exec(followUp)?.[1]);
    expect(followUp).toBe(`Case #${caseNumber}: <@${target}> warned. They were told by DM.`);
    expect(dmsTo(target).at(-1)?.content).toBe(
      `**Tea Room**: you were warned (case #${caseNumber}).\nReason: stay on topic`,
    );
    expect(await caseOf(caseNumber)).toMatchObject({
      user_id: target,
      actor_id: view().moderatorId,
      action: 'warn',
    });
    const key = `moderation:${result.interaction.id}`;
    await waitFor(async () => (await chain(key)) !== undefined, 'the chain entry');
    expect(await chain(key)).toMatchObject({
      action: 'member.warn',
      actor_id: view().moderatorId,
      target_id: target,
    });
  });

  it('/timeout, /kick, /ban and /unban act on Discord, each with its case and chain entry', async () => {
    // Members leave as they are kicked and banned: name them before.
    const [timedOut, kicked, banned] = [member(1), member(2), member(3)];
    const steps: [string, Record<string, string | number>, (t: string) => boolean][] = [
      [
        'timeout',
        { member: member(1), duration: '2h', reason: 'flood' },
        (t) =>
          Date.parse(desk.sandbox.state.guilds[desk.guildId]?.members[t]?.communicationDisabledUntil ?? '') >
          Date.now() + 3_500_000,
      ],
      [
        'kick',
        { member: member(2), reason: 'ads' },
        (t) => desk.sandbox.state.guilds[desk.guildId]?.members[t] === undefined,
      ],
      [
        'ban',
        { member: member(3), reason: 'raid', delete_days: 1 },
        (t) => desk.sandbox.state.guilds[desk.guildId]?.bans[t] !== undefined,
      ],
      [
        'unban',
        { user: member(3), reason: 'second chance' },
        (t) => desk.sandbox.state.guilds[desk.guildId]?.bans[t] === undefined,
      ],
    ];
    for (const [name, options, applied] of steps) {
      const target = String(options.member ?? options.user);
      const result = await run(view().adminId ?? '', name, options);
      const followUp = await done(result);
      expect(followUp, name).toMatch(/^Case #\d+: <@\d+> (timed out|kicked|banned|unbanned)\./);
      expect(applied(target), name).toBe(true);
      const key = `moderation:${result.interaction.id}`;
      await waitFor(async () => (await chain(key)) !== undefined, 'the chain entry');
      expect((await chain(key))?.actor_id, name).toBe(view().adminId);
    }
    // The timed-out, kicked and banned members were told, with the Appeal button.
    for (const target of [timedOut, kicked, banned]) {
      expect(JSON.stringify(dmsTo(target)), target).toContain(`appeal:${desk.guildId}:`);
    }
    expect(desk.sandbox.inspect.actions({ kind: 'member.banned', userId: banned })[0]?.data).toMatchObject({
      deleteMessageSeconds: 86_400,
    });
  });

  it("/purge deletes the member's last messages through bulk delete; /note stays private", async () => {
    const channelId = view().channels.general ?? '';
    const spam = [0, 1, 2].map(
      (i) => desk.sandbox.actions.postMessage({ channelId, userId: member(4), content: `spam ${i}` }).id,
    );
    const kept = desk.sandbox.actions.postMessage({ channelId, userId: member(5), content: 'hello' }).id;
    const purge = await run(view().moderatorId ?? '', 'purge', {
      count: 5,
      member: member(4),
      reason: 'spam',
    });
    expect(purge.reply).toBe(`Deleting 3 messages of <@${member(4)}>…`);
    expect(await done(purge)).toMatch(/^Case #\d+: 3 messages of <@\d+> deleted in <#\d+>\.$/);
    expect(
      desk.sandbox.inspect.actions({ kind: 'messages.bulkDeleted', channelId }).at(-1)?.messageIds,
    ).toEqual([...spam].reverse());
    expect(desk.sandbox.state.guilds[desk.guildId]?.messages[kept]).toBeDefined();

    const note = await run(view().moderatorId ?? '', 'note', {
      member: member(5),
      text: 'asked about the rules',
    });
    expect(await done(note)).toMatch(/note on <@\d+> recorded/);
    expect(dmsTo(member(5))).toEqual([]);
  });

  it('/case shows a case with its chain entries, /case edit corrects it, /cases pages a member’s history', async () => {
    const target = member(6);
    for (const reason of ['one', 'two'])
      await done(await run(view().moderatorId ?? '', 'warn', { member: target, reason }));
    const cases = await run(view().moderatorId ?? '', 'cases', { member: target });
    const numbers = [...cases.reply.matchAll(/^#(\d+) · warn/gm)].map((m) => Number(m[1]));
    expect(cases.reply).toMatch(new RegExp(`^\\*\\*Cases of <@${target}>\\*\\* \\(2\\) · page 1 of 1`));
    expect(numbers).toHaveLength(2);
    const [newest = 0] = numbers;
    await waitFor(
      async () =>
        (await run(view().moderatorId ?? '', 'case', { number: newest }, 'view')).reply.includes(
          'member.warn',
        ),
      'the chain entry shown',
    );
    const shown = await run(view().moderatorId ?? '', 'case', { number: newest }, 'view');
    expect(shown.reply).toMatch(new RegExp(`^\\*\\*Case #${newest}\\*\\* · warn`));
    expect(shown.reply).toMatch(/Audit log: #\d+ member\.warn \([0-9a-f]{8}\)/);
    expect(
      (await run(view().moderatorId ?? '', 'case', { number: newest, reason: 'two, corrected' }, 'edit'))
        .reply,
    ).toMatch(/will read: two, corrected/);
    await waitFor(async () => (await caseOf(newest))?.reason === 'two, corrected', 'the corrected reason');
    expect((await run(view().moderatorId ?? '', 'case', { number: 9999 }, 'view')).reply).toBe(
      'There is no case #9999 in this server.',
    );
    const report = await verifyGuildChain(desk.database.db, desk.guildId);
    expect(report.problem).toBeUndefined();
    expect(report.checked).toBeGreaterThan(5);
  });
});
