import { once } from 'node:events';
import type { EventBus } from '@chat-guard/bus';
import { recordJoin } from '@chat-guard/campaigns';
import { createDiscordRest } from '@chat-guard/discord';
import { type EventPayload, topology } from '@chat-guard/events';
import { GuildConfigCache, loadGuildConfig } from '@chat-guard/guild-config';
import { guildWebhookSecret, outboundPolicy } from '@chat-guard/outbound';
import { type Sandbox, type SandboxInteraction, startSandbox } from '@chat-guard/sandbox';
import { type Client, Events } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerLockdownButton } from '../../services/gateway/src/answerLockdown.ts';
import { commandBodies } from '../../services/gateway/src/commands/definitions.ts';
import { runCommand } from '../../services/gateway/src/commands/runCommand.ts';
import { createDiscordClient } from '../../services/gateway/src/discordClient.ts';
import { answerInteraction } from '../../services/gateway/src/handleInteraction.ts';
import { gateButtons } from '../../services/log-writer/src/gateAlertMessage.ts';
import { alertButtons } from '../../services/log-writer/src/lockdownAlertMessage.ts';
import { busFactory, uniqueNamespace, waitFor } from '../support/bus.ts';
import { insertGate, insertLockdown } from '../support/lockdowns.ts';
import { migratedDatabase } from '../support/postgres.ts';

// The gateway's answers to lockdown buttons and /lockdown, through the real discord.js client
// on the sandbox, with the real bus and database. One client for the file: logging in is slow.

const STARTED_AT = Date.UTC(2026, 10, 23, 12);
let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let factory: ReturnType<typeof busFactory>;
let bus: EventBus;
let cache: GuildConfigCache;
let client: Client;
let guildId: string;
let view: ReturnType<Sandbox['inspect']['guild']>;
let lockdownId: string;
const failures: unknown[] = [];
/** The gateway's clock; a test that needs another moment moves it and puts it back. */
let nowMs = STARTED_AT + 60_000;

beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 23 });
  database = await migratedDatabase();
  guildId = sandbox.guilds[0] ?? '';
  view = sandbox.inspect.guild(guildId);
  factory = busFactory(uniqueNamespace(), topology);
  bus = await factory.open('gateway');
  await bus.provision();
  cache = await GuildConfigCache.start(await factory.open('cache'), (err) => failures.push(err));
  client = createDiscordClient({ api: sandbox.api, shards: 'auto', shardCount: 'auto' });
  const deps = {
    db: database.db,
    bus,
    configs: cache,
    discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
    now: () => nowMs,
  };
  client.on(Events.InteractionCreate, (interaction) => {
    answerInteraction(interaction, deps, (err) => failures.push(err)).catch((err: unknown) =>
      failures.push(err),
    );
  });
  const ready = once(client, Events.ClientReady);
  await client.login(sandbox.token);
  await ready;
  await client.guilds.cache.get(guildId)?.commands.set(commandBodies());
});
afterAll(async () => {
  await client?.destroy();
  await cache?.stop();
  await factory?.cleanup();
  await database?.close();
  await sandbox?.close();
});

beforeEach(async () => {
  nowMs = STARTED_AT + 60_000;
  await database.db.deleteFrom('lockdown').execute();
  await bus.jsm.streams.purge(bus.ns.stream('VERDICTS'));
  lockdownId = `${guildId}-${STARTED_AT}`;
  await insertLockdown(database.db, {
    guildId,
    startedAt: STARTED_AT,
    quarantined: ['1300000000000000901', '1300000000000000902'],
  });
});

/** Everything published to the enforcer, oldest first. */
async function verdicts(): Promise<Record<string, unknown>[]> {
  const stream = bus.ns.stream('VERDICTS');
  const { state } = await bus.jsm.streams.info(stream);
  const found: Record<string, unknown>[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const message = await bus.jsm.streams.getMessage(stream, { seq });
    if (message) found.push(message.json());
  }
  return found;
}

/** The answers published to the enforcer, oldest first. */
async function answers(): Promise<EventPayload<'lockdown.answered'>[]> {
  return (await verdicts()).filter((e) => 'answer' in e) as EventPayload<'lockdown.answered'>[];
}

/** The ephemeral reply to an interaction, once the gateway has edited it in. */
async function replyTo(interaction: SandboxInteraction): Promise<string> {
  const reply = () =>
    sandbox.inspect
      .actions({ kind: 'message.edited', guildId })
      .find((a) => a.data.interactionId === interaction.id);
  await waitFor(() => reply() !== undefined || failures.length > 0, 'the reply');
  expect(failures).toEqual([]);
  return String(reply()?.data.content);
}

async function click(userId: string, customId: string): Promise<[SandboxInteraction, string]> {
  const channelId = view.channels.alerts ?? '';
  const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
  const alert = await discord.sendMessage(channelId, {
    content: 'alert',
    components: alertButtons(lockdownId, 'active'),
  });
  const interaction = sandbox.interactions.clickButton({ channelId, userId, messageId: alert.id, customId });
  return [interaction, await replyTo(interaction)];
}

async function slash(subcommand: string, options: Record<string, string> = {}, userId = view.adminId) {
  const interaction = sandbox.interactions.runSlashCommand({
    guildId,
    channelId: view.channels.general ?? '',
    userId: userId ?? '',
    name: 'lockdown',
    subcommand,
    options,
  });
  return [interaction, await replyTo(interaction)] as const;
}

describe('lockdown alert buttons', () => {
  it("an admin's click asks the enforcer once, and says what will happen", async () => {
    const [interaction, reply] = await click(view.adminId ?? '', `lockdown:confirm-ban:${lockdownId}`);
    expect(reply).toBe('Raid confirmed: Chat Guard will ban the 2 quarantined accounts.');
    expect(await answers()).toEqual([
      {
        guildId,
        lockdownId,
        answer: 'confirm-ban',
        moderatorId: view.adminId,
        requestId: interaction.id,
        answeredAt: STARTED_AT + 60_000,
      },
    ]);
    // The same click again (a replayed dispatch) has no second effect.
    const deps = { db: database.db, bus, now: () => STARTED_AT + 61_000 };
    await answerLockdownButton(deps, {
      guildId,
      customId: `lockdown:confirm-ban:${lockdownId}`,
      memberPermissions: 8n,
      userId: view.adminId ?? '',
      interactionId: interaction.id,
    });
    expect(await answers()).toHaveLength(1);
  });

  it('refuses a moderator without Manage Server, and publishes nothing', async () => {
    const [, reply] = await click(view.moderatorId ?? '', `lockdown:false-alarm:${lockdownId}`);
    expect(reply).toBe(
      'Only members with Administrator or Manage Server can answer a lockdown alert. Nothing was done.',
    );
    expect(await answers()).toEqual([]);
  });

  it.each([
    ['an unknown answer', 'lockdown:nuke:1-2', /not one Chat Guard understands/],
    ['a missing lockdown id', 'lockdown:extend', /not one Chat Guard understands/],
    ["another guild's lockdown", `lockdown:extend:1100000000000000999-${STARTED_AT}`, /another server/],
  ])('answers %s with a clear error and publishes nothing', async (_what, customId, pattern) => {
    const [, reply] = await click(view.adminId ?? '', customId);
    expect(reply).toMatch(pattern);
    expect(await answers()).toEqual([]);
  });
});

describe('gate alert buttons', () => {
  async function clickGate(userId: string, gateId: string, answer: 'lockdown' | 'end') {
    const channelId = view.channels.alerts ?? '';
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    const alert = await discord.sendMessage(channelId, {
      content: 'gate',
      components: gateButtons(gateId, false),
    });
    const customId = `gate:${answer}:${gateId}`;
    const interaction = sandbox.interactions.clickButton({
      channelId,
      userId,
      messageId: alert.id,
      customId,
    });
    return replyTo(interaction);
  }
  const gateEnds = async () => (await verdicts()).filter((e) => 'endedBy' in e);

  it("End gate asks the enforcer to end it in the admin's name, once", async () => {
    await database.db.deleteFrom('gate_step').execute();
    const gateId = await insertGate(database.db, { guildId, startedAt: STARTED_AT });
    expect(await clickGate(view.adminId ?? '', gateId, 'end')).toMatch(
      /^The gate ends: newcomers no longer need/,
    );
    await clickGate(view.adminId ?? '', gateId, 'end');
    expect(await gateEnds()).toEqual([
      {
        guildId,
        gateId,
        score: 0.62,
        reasons: ['12 joins in a minute', 'accounts created within days of each other'],
        endedBy: view.adminId,
        endedAt: STARTED_AT + 60_000,
      },
    ]);
    await database.db.updateTable('gate_step').set({ status: 'ended' }).execute();
    expect(await clickGate(view.adminId ?? '', gateId, 'end')).toBe(
      'That gate has already ended; nothing was done.',
    );
  });

  it('refuses a member without Manage Server, saying why, and publishes nothing', async () => {
    await database.db.deleteFrom('gate_step').execute();
    const gateId = await insertGate(database.db, { guildId, startedAt: STARTED_AT });
    for (const answer of ['end', 'lockdown'] as const)
      expect(await clickGate(view.moderatorId ?? '', gateId, answer)).toBe(
        'Only members with Manage Server can lock the server down or end a gate, and you do not have it. Nothing was done.',
      );
    expect(await verdicts()).toEqual([]);
  });

  it('Lock down now starts the full lockdown as /lockdown start does', async () => {
    await database.db.deleteFrom('gate_step').execute();
    const gateId = await insertGate(database.db, { guildId, startedAt: STARTED_AT });
    await slash('mode', { mode: 'enforce' });
    await waitFor(() => cache.get(guildId).lockdown.mode === 'enforce', 'the live configuration');
    expect(await clickGate(view.adminId ?? '', gateId, 'lockdown')).toMatch(/A lockdown is in force already/);
    await database.db.deleteFrom('lockdown').execute();
    // Another moment than /lockdown start's test, whose lockdown id JetStream would take for this one.
    nowMs = STARTED_AT + 120_000;
    expect(await clickGate(view.adminId ?? '', gateId, 'lockdown')).toMatch(
      /^Locking the server down with the profile/,
    );
    const requested = (await verdicts()).find((e) => 'requestedBy' in e);
    expect(requested).toMatchObject({
      lockdownId: `${guildId}-${STARTED_AT + 120_000}`,
      score: 1,
      requestedBy: view.adminId,
      reasons: [`started by hand by <@${view.adminId}>: confirmed from the gate alert of ${gateId}`],
    });
    await slash('mode', { mode: 'off' });
    await waitFor(() => cache.get(guildId).lockdown.mode === 'off', 'the live configuration');
  });

  it('answers a gate of another server or none on record with a clear error', async () => {
    await database.db.deleteFrom('gate_step').execute();
    expect(await clickGate(view.adminId ?? '', `1100000000000000999-${STARTED_AT}`, 'end')).toMatch(
      /another server/,
    );
    expect(await clickGate(view.adminId ?? '', `${guildId}-${STARTED_AT}`, 'end')).toMatch(/no such gate/);
    expect(await verdicts()).toEqual([]);
  });
});

describe('/lockdown', () => {
  it('switches the mode through the audited configuration path', async () => {
    const [, reply] = await slash('mode', { mode: 'shadow' });
    expect(reply).toMatch(/\*\*shadow\*\* mode/);
    expect((await loadGuildConfig(database.db, guildId)).config.lockdown.mode).toBe('shadow');
    await waitFor(() => cache.get(guildId).lockdown.mode === 'shadow', 'the live configuration');
    const audit = await bus.jsm.streams.getMessage(bus.ns.stream('AUDIT'), {
      last_by_subj: bus.ns.subject(`audit.${guildId}.recorded`),
    });
    expect(audit?.json()).toMatchObject({ action: 'config.update', reason: '/lockdown mode' });
    expect((await slash('mode', { mode: 'shadow' }, view.moderatorId))[1]).toMatch(/administrators only/);
  });

  it('shows the lockdown in force and lifts it', async () => {
    const [, status] = await slash('status');
    expect(status).toContain('**Lockdown in force** since <t:');
    expect(status).toContain('Raid score 0.94 · 2 quarantined');
    expect(status).toContain('• 40 joins in a minute');

    const [interaction, lifted] = await slash('lift');
    expect(lifted).toBe('The lockdown will be lifted; the 2 quarantined accounts stay timed out.');
    expect(await answers()).toMatchObject([{ answer: 'lift', requestId: interaction.id, lockdownId }]);

    await database.db.updateTable('lockdown').set({ status: 'lifted' }).execute();
    expect((await slash('lift'))[1]).toBe('No lockdown is in force; nothing to lift.');
    expect((await slash('status'))[1]).toMatch(/^No lockdown is in force\.\nMode: \*\*/);
    expect(await answers()).toHaveLength(1);
  });

  it.each([
    ['a webhook that is not http', 'webhook', { url: 'ftp://example.com/x' }, /http:\/\/ or https:\/\//],
    [
      'a webhook on loopback',
      'webhook',
      { url: 'https://127.0.0.1:8080/x' },
      /refused: 127\.0\.0\.1 is loopback/,
    ],
    [
      'a webhook at the metadata address',
      'webhook',
      { url: 'https://0xa9fea9fe/' },
      /169\.254\.169\.254 is link-local/,
    ],
    ['a webhook named localhost', 'webhook', { url: 'https://localhost/x' }, /localhost is loopback/],
    ['a webhook over plain http', 'webhook', { url: 'http://oncall.example/x' }, /only https/],
    [
      'a webhook URL over 500 characters',
      'webhook',
      { url: `https://oncall.example/${'x'.repeat(500)}` },
      /at most 500/,
    ],
    ['a mode that does not exist', 'mode', { mode: 'panic' }, /enforce.*shadow.*off/],
    ['an alert channel that is not a channel', 'alertchannel', { channel: '#alerts' }, /must be a channel/],
  ])('refuses %s, saying what was wrong', async (_what, subcommand, options, pattern) => {
    const reply = await runCommand(
      { db: database.db, bus, configs: cache, discord: {} as never, now: () => STARTED_AT },
      {
        guildId,
        interactionId: '1400000000000000001',
        name: 'lockdown',
        subcommand,
        options,
        userId: view.adminId ?? '',
        memberPermissions: 8n,
      },
    );
    expect(reply).toMatch(pattern);
  });

  it('sets the alert channel and the webhook, and clears the webhook', async () => {
    expect((await slash('alertchannel', { channel: view.channels.alerts ?? '' }))[1]).toBe(
      `Raid alerts will be posted in <#${view.channels.alerts}>.`,
    );
    expect((await slash('webhook', { url: 'https://oncall.example/hooks/raid' }))[1]).toMatch(
      /^Raid alerts will also be POSTed, signed, to https:\/\/oncall\.example\/….\n/,
    );
    expect((await loadGuildConfig(database.db, guildId)).config.lockdown).toMatchObject({
      alertChannelId: view.channels.alerts,
      webhookUrl: 'https://oncall.example/hooks/raid',
    });
    expect((await slash('webhook', { url: 'none' }))[1]).toBe('Raid alerts go to no webhook.');
    expect((await loadGuildConfig(database.db, guildId)).config.lockdown.webhookUrl).toBeNull();
  });

  it("refuses another guild's channel as the alert channel, and keeps the one set", async () => {
    const before = (await loadGuildConfig(database.db, guildId)).config.lockdown.alertChannelId;
    const other = await startSandbox({ guilds: 1, seed: 24 });
    try {
      const foreign = other.inspect.guild(other.guilds[0] ?? '').channels.general ?? '';
      expect((await slash('alertchannel', { channel: foreign }))[1]).toBe(
        `<#${foreign}> is not a channel of this server.`,
      );
    } finally {
      await other.close();
    }
    expect((await loadGuildConfig(database.db, guildId)).config.lockdown.alertChannelId).toBe(before);
  });

  it("shows the guild's own signing secret once, in the reply that sets the webhook", async () => {
    const deploymentSecret = 'a-deployment-secret-of-some-length';
    const webhooks = {
      policy: outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: '' }),
      deploymentSecret,
    };
    const reply = await runCommand(
      { db: database.db, bus, configs: cache, discord: {} as never, now: () => STARTED_AT, webhooks },
      {
        guildId,
        interactionId: '1400000000000000002',
        name: 'lockdown',
        subcommand: 'webhook',
        options: { url: 'https://oncall.example/hooks/raid' },
        userId: view.adminId ?? '',
        memberPermissions: 8n,
      },
    );
    expect(reply).toContain(`\`${guildWebhookSecret(deploymentSecret, guildId)}\``);
    expect(reply).not.toContain(deploymentSecret);
  });
});

async function profile(subcommand: string, options: Record<string, string | number | boolean> = {}) {
  const interaction = sandbox.interactions.runSlashCommand({
    guildId,
    channelId: view.channels.general ?? '',
    userId: view.adminId ?? '',
    name: 'lockdown',
    group: 'profile',
    subcommand,
    options,
  });
  return replyTo(interaction);
}

describe('/lockdown profile', () => {
  it('edits every step of the profile, each change audited, and shows it', async () => {
    const chat = view.channels.chat ?? '';
    await profile('invites', { enabled: false });
    await profile('dms', { enabled: true });
    await profile('verification', { level: 'highest' });
    await profile('slowmode', { seconds: 120 });
    await profile('channels', { action: 'add', channel: chat });
    expect(await profile('channels', { action: 'add', channel: chat })).toBe(
      `<#${chat}> is in the profile already.`,
    );
    await profile('denysend', { enabled: true, min_score: 0.5 });
    const shown = await profile('quarantine', { minutes: 15 });
    expect((await loadGuildConfig(database.db, guildId)).config.lockdown).toMatchObject({
      pauseInvites: false,
      pauseDms: true,
      verificationLevel: 4,
      slowmodeSeconds: 120,
      channels: [chat],
      denySend: true,
      denySendMinScore: 0.5,
      quarantineMinutes: 15,
    });
    expect(shown).toContain('1. Invites paused: off · DMs paused: on');
    expect(shown).toContain('2. Verification level: raised to highest');
    expect(shown).toContain(`3. Slowmode: 120 s in <#${chat}>`);
    expect(shown).toContain('4. Send Messages denied to @everyone: at a raid score of 0.50 or more');
    expect(shown).toContain(
      '5. Quarantine of the accounts that joined in the two minutes before (and newcomers posting spam): 15 min timeout',
    );
    expect(await profile('show')).toBe(shown);
    expect(await profile('slowmode', { seconds: 99_999 })).toMatch(/from 0 to 21600/);
    const audit = await bus.jsm.streams.getMessage(bus.ns.stream('AUDIT'), {
      last_by_subj: bus.ns.subject(`audit.${guildId}.recorded`),
    });
    expect(audit?.json()).toMatchObject({ action: 'config.update', reason: '/lockdown profile quarantine' });
    await profile('channels', { action: 'clear' });
  });
});

describe('/lockdown start', () => {
  it('asks the enforcer for a lockdown as the detector does, naming the admin and the recent joiners', async () => {
    await database.db.deleteFrom('lockdown').execute();
    await slash('mode', { mode: 'enforce' });
    await waitFor(() => cache.get(guildId).lockdown.mode === 'enforce', 'the live configuration');
    const now = STARTED_AT + 60_000;
    const joiners = ['1300000000000000801', '1300000000000000802'];
    for (const [i, userId] of joiners.entries())
      await recordJoin(database.db, {
        guildId,
        userId,
        joinedAt: now - (i + 1) * 30_000,
        accountCreatedAt: now - 86_400_000,
        inviteCode: null,
        inviterId: null,
        confidence: 'unknown',
      });
    const [, reply] = await slash('start', { reason: 'raid in #general' });
    expect(reply).toMatch(/^Locking the server down with the profile/);
    const requested = (await verdicts()).find((e) => 'lockdownId' in e && 'requestedBy' in e) as
      | EventPayload<'lockdown.requested'>
      | undefined;
    expect(requested).toMatchObject({
      lockdownId: `${guildId}-${now}`,
      score: 1,
      requestedBy: view.adminId,
      reasons: [`started by hand by <@${view.adminId}>: raid in #general`],
      joinsLastMinute: 2,
      raidWindowStart: now - 120_000,
    });
    expect([...(requested?.suspectIds ?? [])].sort()).toEqual([...joiners].sort());
    await insertLockdown(database.db, { guildId, startedAt: now });
    expect((await slash('start'))[1]).toMatch(/A lockdown is in force already/);
    await database.db.deleteFrom('lockdown').execute();
    await slash('mode', { mode: 'off' });
    await waitFor(() => cache.get(guildId).lockdown.mode === 'off', 'the live configuration');
    expect((await slash('start'))[1]).toMatch(/^Lockdowns are off in this server/);
  });
});
