import type { SandboxInteraction } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { desk, useModerationDesk } from '../support/moderationDesk.ts';

// A member's appeal of a ban, from the DM's button to the moderators' answer, through the
// gateway's handler, the enforcer and the chain as in moderationCommands.test.ts.

const { view, member, run, done, dmsTo, caseOf, chain } = useModerationDesk();

describe('an appeal, round trip by its buttons', () => {
  it('Appeal in the DM → the form → the appeal channel → Accept by a moderator → unbanned, told and recorded', async () => {
    const target = member(7);
    // Another member's case, whose button the target must not be able to use.
    const warned = await done(await run(view().adminId ?? '', 'warn', { member: member(6), reason: 'spam' }));
    const othersCase = Number(/Case #(\d+)/.exec(warned)?.[1]);
    const ban = await done(await run(view().adminId ?? '', 'ban', { member: target, reason: 'raid' }));
    const caseNumber = Number(/Case #(\d+)/.exec(ban)?.[1]);
    const [dm] = dmsTo(target);
    if (!dm) throw new Error('no DM');
    // Banned: no guild around the click. The gateway finds the guild in the button and checks the case.
    const click = desk.sandbox.interactions.clickButton({
      channelId: dm.channelId,
      userId: target,
      messageId: dm.id,
      customId: `appeal:${desk.guildId}:${caseNumber}`,
    });
    await waitFor(
      () => desk.sandbox.state.interactions[click.id]?.modal != null || desk.failures.length > 0,
      'the appeal form',
    );
    expect(desk.sandbox.state.interactions[click.id]?.modal).toMatchObject({
      customId: `appeal-form:${desk.guildId}:${caseNumber}`,
    });
    // A button for someone else's case gets no form.
    const stranger = desk.sandbox.interactions.clickButton({
      channelId: dm.channelId,
      userId: target,
      messageId: dm.id,
      customId: `appeal:${desk.guildId}:${othersCase}`,
    });
    await waitFor(() => desk.sandbox.state.interactions[stranger.id]?.responded === true, 'the refusal');
    expect(desk.sandbox.state.interactions[stranger.id]?.modal ?? null).toBeNull();

    const submit = desk.sandbox.interactions.submitModal({
      interactionId: click.id,
      values: { 'appeal-text': 'I was hacked; it is fixed now.' },
    });
    const post = () =>
      desk.sandbox.inspect.actions({ kind: 'message.sent', channelId: view().channels.alerts ?? '' }).at(-1);
    await waitFor(() => post() !== undefined || desk.failures.length > 0, 'the appeal in the appeal channel');
    expect(desk.failures).toEqual([]);
    const answer = desk.sandbox.state.dmChannels[dm.channelId]?.messages.find(
      (m) => m.interactionId === submit.id,
    );
    expect(answer?.content).toMatch(/goes to the moderators of \*\*Tea Room\*\*/);
    expect(JSON.stringify(post()?.data)).toContain('I was hacked; it is fixed now.');

    const channelId = view().channels.alerts ?? '';
    const messageId = post()?.messageIds?.[0] ?? '';
    const refused = desk.sandbox.interactions.clickButton({
      channelId,
      userId: member(8),
      messageId,
      customId: `appeal-decision:accept:${caseNumber}`,
    });
    const reply = (i: SandboxInteraction) =>
      desk.sandbox.inspect
        .actions({ kind: 'message.edited', guildId: desk.guildId })
        .find((a) => a.data.interactionId === i.id)?.data.content;
    await waitFor(() => reply(refused) !== undefined, 'the refusal');
    expect(reply(refused)).toBe('Only moderators with Ban Members can answer this appeal. Nothing was done.');

    const accept = desk.sandbox.interactions.clickButton({
      channelId,
      userId: view().adminId ?? '',
      messageId,
      customId: `appeal-decision:accept:${caseNumber}`,
    });
    await waitFor(() => reply(accept) !== undefined, 'the answer');
    expect(reply(accept)).toBe(
      `Accepting the appeal of case #${caseNumber}: lifting the ban; <@${target}> will be told.`,
    );
    await waitFor(() => desk.sandbox.state.guilds[desk.guildId]?.bans[target] === undefined, 'the unban');
    await waitFor(
      async () => (await chain(`appeal-decision:${accept.id}`)) !== undefined,
      'the decision in the chain',
    );
    expect(await chain(`appeal-decision:${accept.id}`)).toMatchObject({
      action: 'appeal.accepted',
      actor_id: view().adminId,
      target_id: target,
    });
    expect(await chain(`appeal:${submit.id}`)).toMatchObject({
      action: 'appeal.submitted',
      actor_id: target,
    });
    expect((await caseOf(caseNumber))?.counts).toBe(false);
    // Clicking Appeal again tells where it stands (a DM cannot reach a member who shares no server).
    const again = desk.sandbox.interactions.clickButton({
      channelId: dm.channelId,
      userId: target,
      messageId: dm.id,
      customId: `appeal:${desk.guildId}:${caseNumber}`,
    });
    await waitFor(() => desk.sandbox.state.interactions[again.id]?.responded === true, 'the status');
    const status = desk.sandbox.state.dmChannels[dm.channelId]?.messages.find(
      (m) => m.interactionId === again.id,
    );
    expect(status?.content).toMatch(
      new RegExp(`Your appeal of case #${caseNumber} was accepted on <t:\\d+:f>\\.`),
    );
  });
});
