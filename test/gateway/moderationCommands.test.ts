import { once } from 'node:events';
import { type Consumption, consume, type EventBus } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import { decideAppeal, editCaseReason, GuildNames, moderate, submitAppeal } from '@chat-guard/enforcer';
import { defaultGuildConfig, topology } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { recordAudit, verifyGuildChain } from '@chat-guard/log-writer';
import { type Sandbox, type SandboxInteraction, startSandbox } from '@chat-guard/sandbox';
import { type Client, Events } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBodies } from '../../services/gateway/src/commands/definitions.ts';
import { createDiscordClient } from '../../services/gateway/src/discordClient.ts';
import { answerInteraction } from '../../services/gateway/src/handleInteraction.ts';
import { discordMemberLookup } from '../../services/gateway/src/memberLookup.ts';
import { busFactory, uniqueNamespace, waitFor } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';

// Every moderator command through the real discord.js client on the sandbox, the gateway's
// own interaction handler, the enforcer's handlers and the log-writer's chain, over the real
// bus and database (in this process: spawning the services is the e2e test's job).

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let factory: ReturnType<typeof busFactory>;
let bus: EventBus;
let cache: GuildConfigCache;
let client: Client;
let guildId: string;
const consumers: Consumption[] = [];
const failures: unknown[] = [];
const ids = {
  senior: '1200000000000000031',
  helpers: '1200000000000000032',
  senior_member: '',
  helper_member: '',
};

beforeAll(async () => {
  sandbox = await startSandbox({
    guilds: [{ members: 16, name: 'Tea Room' }],
    seed: 77,
    interactionResponseWindowMs: 10_000,
  });
  guildId = sandbox.guilds[0] ?? '';
  const view = sandbox.inspect.guild(guildId);
  const state = sandbox.state.guilds[guildId];
  const everyone = state?.roles[guildId];
  const admin = state?.roles[view.roles.admin ?? ''];
  if (!state || !everyone || !admin) throw new Error('no guild');
  // A "Senior" role above the bot's (the Admin role moves up), and "Helpers" with Administrator below it.
  admin.position = 4;
  state.roles[ids.senior] = { ...everyone, id: ids.senior, name: 'Senior', position: 3, permissions: '0' };
  state.roles[ids.helpers] = {
    ...everyone,
    id: ids.helpers,
    name: 'Helpers',
    position: 1,
    permissions: (1n << 3n).toString(),
  };
  ids.senior_member = view.memberIds[10] ?? '';
  ids.helper_member = view.memberIds[11] ?? '';
  state.members[ids.senior_member]?.roles.push(ids.senior);
  state.members[ids.helper_member]?.roles.push(ids.helpers);

  database = await migratedDatabase();
  factory = busFactory(uniqueNamespace(), topology);
  bus = await factory.open('gateway');
  await bus.provision();
  const config = {
    ...defaultGuildConfig(),
    moderation: { ...defaultGuildConfig().moderation, appealChannelId: view.channels.alerts ?? '' },
  };
  await bus.publish('config.changed', {
    guildId,
    config,
    revision: 1,
    changedBy: view.adminId ?? '',
    changedAt: Date.now(),
  });
  cache = await GuildConfigCache.start(await factory.open('cache'), (err) => failures.push(err));
  await waitFor(() => cache.get(guildId).moderation.appealChannelId !== null, 'the configuration');

  const rest = createDiscordRest({ api: sandbox.api, token: sandbox.token });
  client = createDiscordClient({ api: sandbox.api, shards: 'auto', shardCount: 'auto' });
  const gatewayDeps = {
    db: database.db,
    bus,
    configs: cache,
    discord: rest,
    moderation: { members: discordMemberLookup(client), discord: rest },
    guildName: (id: string) => client.guilds.cache.get(id)?.name ?? 'the server',
    now: Date.now,
  };
  client.on(Events.InteractionCreate, (interaction) => {
    answerInteraction(interaction, gatewayDeps, (err) => failures.push(err)).catch((err: unknown) =>
      failures.push(err),
    );
  });
  const ready = once(client, Events.ClientReady);
  await client.login(sandbox.token);
  await ready;
  await client.guilds.cache.get(guildId)?.commands.set(commandBodies());

  const enforcerBus = await factory.open('enforcer');
  const enforcer = {
    db: database.db,
    discord: rest,
    guildNames: new GuildNames(rest),
    config: (id: string) => cache.get(id),
    audit: async (entry: Parameters<typeof recordAudit>[1]) => {
      await enforcerBus.publish('audit.recorded', entry);
    },
    now: Date.now,
  };
  const spec = (name: string) =>
    topology.consumers.find((c) => c.durable === name) ?? ({ durable: name } as never);
  consumers.push(
    await consume(enforcerBus, spec('enforcer'), {
      'moderation.requested': async (r) => {
        await moderate(enforcer, r);
      },
      'case.reason_edited': (e) => editCaseReason(enforcer, e),
      'appeal.submitted': async (a) => {
        await submitAppeal(enforcer, a);
      },
      'appeal.decided': async (d) => {
        await decideAppeal(enforcer, d);
      },
    }),
    await consume(await factory.open('log-writer'), spec('log-writer'), {
      'audit.recorded': (e) => recordAudit(database.db, e, null),
    }),
  );
}, 90_000);

afterAll(async () => {
  for (const c of consumers) await c.stop();
  await client?.destroy();
  await cache?.stop();
  await factory?.cleanup();
  await database?.close();
  await sandbox?.close();
});

const view = () => sandbox.inspect.guild(guildId);
const member = (i: number) => view().memberIds[i] ?? '';

/** Someone runs a command; resolves with the gateway's reply and, when one comes, the enforcer's follow-up. */
async function run(
  userId: string,
  name: string,
  options: Record<string, string | number | boolean> = {},
  subcommand?: string,
): Promise<{ reply: string; followUp: () => string | undefined; interaction: SandboxInteraction }> {
  const interaction = sandbox.interactions.runSlashCommand({
    guildId,
    channelId: view().channels.general ?? '',
    userId,
    name,
    options,
    ...(subcommand ? { subcommand } : {}),
  });
  const edited = () =>
    sandbox.inspect
      .actions({ kind: 'message.edited', guildId })
      .find((a) => a.data.interactionId === interaction.id);
  await waitFor(() => edited() !== undefined || failures.length > 0, `the reply to /${name}`, 20_000);
  expect(failures).toEqual([]);
  const followUp = () =>
    sandbox.inspect
      .actions({ kind: 'interaction.followUp' })
      .find((a) => a.data.interactionId === interaction.id)?.data.content as string | undefined;
  return { reply: String(edited()?.data.content), followUp, interaction };
}

async function done(result: Awaited<ReturnType<typeof run>>): Promise<string> {
  await waitFor(() => result.followUp() !== undefined, 'the case number', 20_000);
  return result.followUp() ?? '';
}

const dmsTo = (userId: string) =>
  Object.values(sandbox.state.dmChannels)
    .filter((c) => c.userId === userId)
    .flatMap((c) => c.messages.map((m) => ({ ...m, channelId: c.id })));
const caseOf = (n: number) =>
  database.db
    .selectFrom('moderation_case')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('number', '=', n)
    .executeTakeFirst();
const chain = (key: string) =>
  database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();

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
      '@senior': ids.senior_member,
      '@helper': ids.helper_member,
      '@member': member(9),
    };
    const options = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? (who[v] ?? v) : v]),
    );
    const before = sandbox.inspect.actions({ guildId }).filter((a) => a.kind.startsWith('member.')).length;
    expect((await run(caller(), name, options)).reply).toMatch(expected);
    const stream = await bus.jsm.streams.info(bus.ns.stream('VERDICTS'), { subjects_filter: '>' });
    expect(Object.keys(stream.state.subjects ?? {}).some((s) => s.endsWith('.moderation'))).toBe(false);
    expect(sandbox.inspect.actions({ guildId }).filter((a) => a.kind.startsWith('member.')).length).toBe(
      before,
    );
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
          Date.parse(sandbox.state.guilds[guildId]?.members[t]?.communicationDisabledUntil ?? '') >
          Date.now() + 3_500_000,
      ],
      [
        'kick',
        { member: member(2), reason: 'ads' },
        (t) => sandbox.state.guilds[guildId]?.members[t] === undefined,
      ],
      [
        'ban',
        { member: member(3), reason: 'raid', delete_days: 1 },
        (t) => sandbox.state.guilds[guildId]?.bans[t] !== undefined,
      ],
      [
        'unban',
        { user: member(3), reason: 'second chance' },
        (t) => sandbox.state.guilds[guildId]?.bans[t] === undefined,
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
      expect(JSON.stringify(dmsTo(target)), target).toContain(`appeal:${guildId}:`);
    }
    expect(sandbox.inspect.actions({ kind: 'member.banned', userId: banned })[0]?.data).toMatchObject({
      deleteMessageSeconds: 86_400,
    });
  });

  it("/purge deletes the member's last messages through bulk delete; /note stays private", async () => {
    const channelId = view().channels.general ?? '';
    const spam = [0, 1, 2].map(
      (i) => sandbox.actions.postMessage({ channelId, userId: member(4), content: `spam ${i}` }).id,
    );
    const kept = sandbox.actions.postMessage({ channelId, userId: member(5), content: 'hello' }).id;
    const purge = await run(view().moderatorId ?? '', 'purge', {
      count: 5,
      member: member(4),
      reason: 'spam',
    });
    expect(purge.reply).toBe(`Deleting 3 messages of <@${member(4)}>…`);
    expect(await done(purge)).toMatch(/^Case #\d+: 3 messages of <@\d+> deleted in <#\d+>\.$/);
    expect(sandbox.inspect.actions({ kind: 'messages.bulkDeleted', channelId }).at(-1)?.messageIds).toEqual(
      [...spam].reverse(),
    );
    expect(sandbox.state.guilds[guildId]?.messages[kept]).toBeDefined();

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
    const report = await verifyGuildChain(database.db, guildId);
    expect(report.problem).toBeUndefined();
    expect(report.checked).toBeGreaterThan(5);
  });
});

describe('an appeal, round trip by its buttons', () => {
  it('Appeal in the DM → the form → the appeal channel → Accept by a moderator → unbanned, told and recorded', async () => {
    const target = member(7);
    const ban = await done(await run(view().adminId ?? '', 'ban', { member: target, reason: 'raid' }));
    const caseNumber = Number(/Case #(\d+)/.exec(ban)?.[1]);
    const [dm] = dmsTo(target);
    if (!dm) throw new Error('no DM');
    // Banned: no guild around the click. The gateway finds the guild in the button and checks the case.
    const click = sandbox.interactions.clickButton({
      channelId: dm.channelId,
      userId: target,
      messageId: dm.id,
      customId: `appeal:${guildId}:${caseNumber}`,
    });
    await waitFor(
      () => sandbox.state.interactions[click.id]?.modal != null || failures.length > 0,
      'the appeal form',
    );
    expect(sandbox.state.interactions[click.id]?.modal).toMatchObject({
      customId: `appeal-form:${guildId}:${caseNumber}`,
    });
    // Someone else clicking the same button gets no form.
    const stranger = sandbox.interactions.clickButton({
      channelId: dm.channelId,
      userId: target,
      messageId: dm.id,
      customId: `appeal:${guildId}:1`,
    });
    await waitFor(() => sandbox.state.interactions[stranger.id]?.responded === true, 'the refusal');
    expect(sandbox.state.interactions[stranger.id]?.modal ?? null).toBeNull();

    const submit = sandbox.interactions.submitModal({
      interactionId: click.id,
      values: { 'appeal-text': 'I was hacked; it is fixed now.' },
    });
    const post = () =>
      sandbox.inspect.actions({ kind: 'message.sent', channelId: view().channels.alerts ?? '' }).at(-1);
    await waitFor(() => post() !== undefined || failures.length > 0, 'the appeal in the appeal channel');
    expect(failures).toEqual([]);
    const answer = sandbox.state.dmChannels[dm.channelId]?.messages.find(
      (m) => m.interactionId === submit.id,
    );
    expect(answer?.content).toMatch(/goes to the moderators of \*\*Tea Room\*\*/);
    expect(JSON.stringify(post()?.data)).toContain('I was hacked; it is fixed now.');

    const channelId = view().channels.alerts ?? '';
    const messageId = post()?.messageIds?.[0] ?? '';
    const refused = sandbox.interactions.clickButton({
      channelId,
      userId: member(8),
      messageId,
      customId: `appeal-decision:accept:${caseNumber}`,
    });
    const reply = (i: SandboxInteraction) =>
      sandbox.inspect.actions({ kind: 'message.edited', guildId }).find((a) => a.data.interactionId === i.id)
        ?.data.content;
    await waitFor(() => reply(refused) !== undefined, 'the refusal');
    expect(reply(refused)).toBe('Only moderators with Ban Members can answer this appeal. Nothing was done.');

    const accept = sandbox.interactions.clickButton({
      channelId,
      userId: view().adminId ?? '',
      messageId,
      customId: `appeal-decision:accept:${caseNumber}`,
    });
    await waitFor(() => reply(accept) !== undefined, 'the answer');
    expect(reply(accept)).toBe(
      `Accepting the appeal of case #${caseNumber}: lifting the ban; <@${target}> will be told.`,
    );
    await waitFor(() => sandbox.state.guilds[guildId]?.bans[target] === undefined, 'the unban');
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
    const again = sandbox.interactions.clickButton({
      channelId: dm.channelId,
      userId: target,
      messageId: dm.id,
      customId: `appeal:${guildId}:${caseNumber}`,
    });
    await waitFor(() => sandbox.state.interactions[again.id]?.responded === true, 'the status');
    const status = sandbox.state.dmChannels[dm.channelId]?.messages.find((m) => m.interactionId === again.id);
    expect(status?.content).toMatch(
      new RegExp(`Your appeal of case #${caseNumber} was accepted on <t:\\d+:f>\\.`),
    );
  });
});
