import { recordJoin } from '@chat-guard/campaigns';
import type { EventPayload } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { guildWebhookSecret, outboundPolicy } from '@chat-guard/outbound';
import { startSandbox } from '@chat-guard/sandbox';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../services/gateway/src/commands/runCommand.ts';
import { waitFor } from '../support/bus.ts';
import {
  bus,
  cache,
  database,
  guildId,
  lockdownId,
  STARTED_AT,
  sandbox,
  useLockdownDesk,
  view,
} from '../support/lockdownDesk.ts';
import { insertLockdown } from '../support/lockdowns.ts';

// The gateway's answers to /lockdown, through the real discord.js client on the sandbox, with
// the real bus and database (the alerts' buttons: alertButtons.test.ts).

const { verdicts, answers, replyTo, slash } = useLockdownDesk();

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
