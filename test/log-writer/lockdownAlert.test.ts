import { consume } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import { defaultGuildConfig, type GuildConfig, topology } from '@chat-guard/events';
import { guildWebhookSecret, outboundPolicy } from '@chat-guard/outbound';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { ComponentType } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAlertMessage } from '../../services/enforcer/src/lockdownRecords.ts';
import { webhookSignature } from '../../services/log-writer/src/alertWebhook.ts';
import type { LockdownAlert } from '../../services/log-writer/src/lockdownAlertMessage.ts';
import {
  type LockdownAlertDeps,
  postLockdownAlert,
} from '../../services/log-writer/src/postLockdownAlert.ts';
import { busFactory, testTopology, uniqueNamespace, waitFor } from '../support/bus.ts';
import { insertLockdown } from '../support/lockdowns.ts';
import { migratedDatabase } from '../support/postgres.ts';
import { startWebhookReceiver } from '../support/webhookReceiver.ts';

const SECRET = 'a-shared-secret-of-some-length';
const STARTED_AT = Date.UTC(2026, 10, 23, 12);
const ADMIN = '1300000000000000007';

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let guildId: string;
let alertsChannel: string;
let lockdownId: string;
let config: GuildConfig;
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeEach(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 41 });
  database = await migratedDatabase();
  guildId = sandbox.guilds[0] ?? '';
  alertsChannel = sandbox.inspect.guild(guildId).channels.alerts ?? '';
  lockdownId = `${guildId}-${STARTED_AT}`;
  const base = defaultGuildConfig();
  config = { ...base, lockdown: { ...base.lockdown, alertChannelId: alertsChannel } };
  await insertLockdown(database.db, { guildId, startedAt: STARTED_AT });
  webhook = await startWebhookReceiver();
});
afterEach(async () => {
  await webhook.close();
  await database.close();
  await sandbox.close();
});

function deps(overrides: Partial<LockdownAlertDeps> = {}): LockdownAlertDeps {
  return {
    db: database.db,
    discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
    config: () => config,
    webhookSecret: SECRET,
    webhookTimeoutMs: 2_000,
    // The test receiver listens on loopback over http: allowed here as an on-premises one would be.
    webhookPolicy: outboundPolicy({ ALLOW_HTTP_WEBHOOKS: true, WEBHOOK_ALLOW_LIST: '127.0.0.1' }),
    // What the enforcer does with the log-writer's lockdown.alert_posted: it owns the record.
    announcePosted: (posted) => recordAlertMessage(database.db, posted),
    now: () => STARTED_AT + 5_000,
    ...overrides,
  };
}

function alert(overrides: Partial<LockdownAlert> = {}): LockdownAlert {
  return {
    guildId,
    lockdownId,
    kind: 'started',
    shadow: false,
    score: 0.94,
    reasons: ['40 joins in a minute', 'most accounts are under a day old'],
    joinsLastMinute: 40,
    topInvite: { code: 'raidcode', share: 0.8 },
    quarantined: 37,
    steps: ['slowmode: 3 channels', 'verification: high', 'invites: paused'],
    by: null,
    holdUntil: null,
    at: STARTED_AT,
    ...overrides,
  };
}

const messagesIn = (channelId: string) =>
  Object.values(sandbox.state.guilds[guildId]?.messages ?? {}).filter((m) => m.channelId === channelId);

const customIds = (components: unknown) => JSON.stringify(components).match(/lockdown:[a-z-]+:[\d-]+/g) ?? [];

describe('lockdown alerts', () => {
  it('posts the alert once in the alert channel with its fields and four buttons, and remembers it', async () => {
    const report = await postLockdownAlert(deps(), alert());
    expect(report).toEqual({ channel: 'posted', webhook: 'not-configured', problems: [] });
    expect(await postLockdownAlert(deps(), alert())).toMatchObject({ channel: 'already-posted' });

    const [message, ...others] = messagesIn(alertsChannel);
    expect(others).toEqual([]);
    const embed = message?.embeds[0];
    expect(embed?.title).toBe('Possible raid: the server is locked down');
    expect(embed?.description).toContain('• 40 joins in a minute');
    const fields = Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      'Raid score': '0.94',
      'Joins (last minute)': '40',
      'Top invite': 'discord.gg/raidcode (80% of joins)',
      Quarantined: '37 accounts',
      Mode: 'Enforce',
      'Steps taken': '• slowmode: 3 channels\n• verification: high\n• invites: paused',
    });
    expect(message?.components[0]?.type).toBe(ComponentType.ActionRow);
    expect(customIds(message?.components)).toEqual([
      `lockdown:confirm-ban:${lockdownId}`,
      `lockdown:confirm-kick:${lockdownId}`,
      `lockdown:false-alarm:${lockdownId}`,
      `lockdown:extend:${lockdownId}`,
    ]);
    const row = await database.db
      .selectFrom('lockdown')
      .select(['alert_channel_id', 'alert_message_id'])
      .where('id', '=', lockdownId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ alert_channel_id: alertsChannel, alert_message_id: message?.id });
  });

  it('posts one alert for a lockdown whose start is announced twice before its alert is recorded', async () => {
    // The enforcer has not recorded where the first went when the second start arrives.
    const unrecorded = deps({ announcePosted: async () => undefined });
    await postLockdownAlert(unrecorded, alert());
    await postLockdownAlert(unrecorded, alert({ at: STARTED_AT + 2_000 }));
    expect(messagesIn(alertsChannel)).toHaveLength(1);
  });

  it('marks shadow mode, falls back to the log channel, and sends one message when it is not remembered', async () => {
    const logChannel = sandbox.inspect.guild(guildId).channels['mod-log'] ?? '';
    config = { ...defaultGuildConfig(), punishLogChannelId: logChannel };
    const shadow = alert({ shadow: true, lockdownId: `${guildId}-${STARTED_AT + 1}`, quarantined: 0 });
    await postLockdownAlert(deps(), shadow);
    await postLockdownAlert(deps(), shadow);
    const messages = messagesIn(logChannel);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds[0]?.title).toMatch(/SHADOW MODE/);

    config = defaultGuildConfig();
    expect(await postLockdownAlert(deps(), alert())).toMatchObject({ channel: 'no-channel' });
  });

  it('edits the original alert when the lockdown is lifted, with a follow-up and no buttons', async () => {
    await postLockdownAlert(deps(), alert());
    await database.db
      .updateTable('lockdown')
      .set({ status: 'lifted', lifted_by: ADMIN })
      .where('id', '=', lockdownId)
      .execute();
    const lifted = alert({
      kind: 'lifted',
      by: ADMIN,
      steps: ['slowmode: restored'],
      at: STARTED_AT + 60_000,
    });
    expect(await postLockdownAlert(deps(), lifted)).toMatchObject({ channel: 'updated' });
    await postLockdownAlert(deps(), lifted);

    const [original, followUp, ...others] = messagesIn(alertsChannel);
    expect(others).toEqual([]);
    expect(original?.components).toEqual([]);
    expect(original?.embeds[0]?.fields?.find((f) => f.name === 'Status')?.value).toMatch(
      new RegExp(`^Lifted by <@${ADMIN}>`),
    );
    expect(followUp?.content).toContain(`Lockdown lifted by <@${ADMIN}>.`);
    expect(followUp?.content).toContain('• slowmode: restored');
  });

  it('keeps only Extend live once the raid is confirmed', async () => {
    await postLockdownAlert(deps(), alert());
    await postLockdownAlert(deps(), alert({ kind: 'confirmed', by: ADMIN, at: STARTED_AT + 1_000 }));
    const row = messagesIn(alertsChannel)[0]?.components[0] as
      | { components: { custom_id: string; disabled: boolean }[] }
      | undefined;
    const buttons = row?.components ?? [];
    expect(buttons.filter((b) => !b.disabled).map((b) => b.custom_id)).toEqual([
      `lockdown:extend:${lockdownId}`,
    ]);
  });

  it('signs the webhook, and retries a 5xx through redelivery without posting the alert twice', async () => {
    config = { ...config, lockdown: { ...config.lockdown, webhookUrl: webhook.url } };
    webhook.answers.push(503);
    const spec = topology.consumers.find((c) => c.durable === 'log-writer');
    if (!spec) throw new Error('no log-writer consumer');
    const quick = { ...spec, retry: { baseMs: 50, maxMs: 100 } };
    const factory = busFactory(uniqueNamespace(), testTopology([quick]));
    try {
      const bus = await factory.open('log-writer');
      await bus.provision();
      const outcomes: string[] = [];
      const consumption = await consume(
        bus,
        quick,
        { 'lockdown.alert': async (e) => void (await postLockdownAlert(deps(), e)) },
        { onOutcome: (o) => outcomes.push(o.kind) },
      );
      await bus.publish('lockdown.alert', alert());
      await waitFor(() => outcomes.includes('acked'), 'the alert to be handled');
      await consumption.stop();
      expect(outcomes).toEqual(['retry', 'acked']);
    } finally {
      await factory.cleanup();
    }

    expect(messagesIn(alertsChannel)).toHaveLength(1);
    expect(webhook.received).toHaveLength(2);
    const last = webhook.received[1];
    const timestamp = Number(last?.headers['x-chat-guard-timestamp']);
    expect(timestamp).toBe(Math.floor((STARTED_AT + 5_000) / 1000));
    expect(last?.headers['x-chat-guard-signature']).toBe(
      webhookSignature(guildWebhookSecret(SECRET, guildId), timestamp, last?.body ?? ''),
    );
    expect(last?.headers['idempotency-key']).toBe(`lockdown.alert:${lockdownId}:started:${STARTED_AT}`);
    expect(JSON.parse(last?.body ?? '')).toMatchObject({
      type: 'lockdown.alert',
      alert: { lockdownId, kind: 'started', score: 0.94 },
    });
  });

  it('gives up on a 4xx, and sends nothing unsigned when no secret is set', async () => {
    config = { ...config, lockdown: { ...config.lockdown, webhookUrl: webhook.url } };
    webhook.answers.push(410);
    expect(await postLockdownAlert(deps(), alert())).toMatchObject({
      webhook: 'refused',
      problems: ['alert webhook refused it: 410'],
    });
    expect(await postLockdownAlert(deps({ webhookSecret: null }), alert())).toMatchObject({
      webhook: 'no-secret',
    });
    expect(webhook.received).toHaveLength(1);
  });

  it("signs with its own guild's secret, which another guild's secret does not verify", async () => {
    config = { ...config, lockdown: { ...config.lockdown, webhookUrl: webhook.url } };
    await postLockdownAlert(deps(), alert());
    const [call] = webhook.received;
    const timestamp = Number(call?.headers['x-chat-guard-timestamp']);
    const signature = call?.headers['x-chat-guard-signature'];
    expect(signature).toBe(
      webhookSignature(guildWebhookSecret(SECRET, guildId), timestamp, call?.body ?? ''),
    );
    expect(signature).not.toBe(webhookSignature(SECRET, timestamp, call?.body ?? ''));
    expect(signature).not.toBe(
      webhookSignature(guildWebhookSecret(SECRET, '1100000000000000999'), timestamp, call?.body ?? ''),
    );
  });

  it('follows no redirect, and calls no loopback receiver the policy does not allow', async () => {
    config = { ...config, lockdown: { ...config.lockdown, webhookUrl: webhook.url } };
    webhook.answers.push(302);
    expect(await postLockdownAlert(deps(), alert())).toMatchObject({
      webhook: 'refused',
      problems: ['alert webhook refused it: 302'],
    });
    expect(webhook.received).toHaveLength(1);
    const strict = outboundPolicy({ ALLOW_HTTP_WEBHOOKS: true, WEBHOOK_ALLOW_LIST: '' });
    const report = await postLockdownAlert(deps({ webhookPolicy: strict }), alert());
    expect(report).toMatchObject({ webhook: 'refused' });
    expect(report.problems.join()).toMatch(/127\.0\.0\.1 is loopback/);
    const port = new URL(webhook.url).port;
    config = { ...config, lockdown: { ...config.lockdown, webhookUrl: `http://localhost:${port}/hook` } };
    const byName = await postLockdownAlert(deps({ webhookPolicy: { ...strict } }), alert());
    expect(byName.problems.join()).toMatch(/localhost is loopback/);
    expect(webhook.received).toHaveLength(1);
  });
});
