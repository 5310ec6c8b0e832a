import { createDiscordRest } from '@chat-guard/discord';
import { recordGateAlertMessage } from '@chat-guard/enforcer';
import { defaultGuildConfig, type EventPayload, type GuildConfig } from '@chat-guard/events';
import { guildWebhookSecret, outboundPolicy } from '@chat-guard/outbound';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../services/log-writer/src/alertWebhook.ts';
import type { GateAlert } from '../../services/log-writer/src/gateAlertMessage.ts';
import { type GateAlertDeps, postGateAlert } from '../../services/log-writer/src/postGateAlert.ts';
import { insertGate } from '../support/lockdowns.ts';
import { migratedDatabase } from '../support/postgres.ts';
import { startWebhookReceiver } from '../support/webhookReceiver.ts';

const STARTED_AT = Date.UTC(2026, 10, 30, 9);
const ADMIN = '1300000000000000007';

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let guildId: string;
let alertsChannel: string;
let gateId: string;
let config: GuildConfig;

beforeEach(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 43 });
  database = await migratedDatabase();
  guildId = sandbox.guilds[0] ?? '';
  alertsChannel = sandbox.inspect.guild(guildId).channels.alerts ?? '';
  const base = defaultGuildConfig();
  config = { ...base, lockdown: { ...base.lockdown, alertChannelId: alertsChannel } };
  gateId = await insertGate(database.db, { guildId, startedAt: STARTED_AT });
  announced = [];
});
afterEach(async () => {
  await database.close();
  await sandbox.close();
});

const SECRET = 'a-shared-secret-of-some-length';
/** What the log-writer told the enforcer it posted; the enforcer records it as it does in service. */
let announced: EventPayload<'gate.alert_posted'>[] = [];
const deps = (): GateAlertDeps => ({
  db: database.db,
  announcePosted: async (posted) => {
    announced.push(posted);
    await recordGateAlertMessage(database.db, posted);
  },
  discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
  config: () => config,
  webhookSecret: SECRET,
  webhookPolicy: outboundPolicy({ ALLOW_HTTP_WEBHOOKS: true, WEBHOOK_ALLOW_LIST: '127.0.0.1' }),
  webhookTimeoutMs: 2_000,
  now: () => STARTED_AT + 5_000,
});

function alert(overrides: Partial<GateAlert> = {}): GateAlert {
  return {
    guildId,
    gateId,
    kind: 'started',
    mode: 'off',
    score: 0.62,
    reasons: ['12 joins in a minute', 'accounts created within days of each other'],
    joinsLastMinute: 12,
    step: 'verification level 1 → 3',
    by: null,
    at: STARTED_AT,
    ...overrides,
  };
}

const messagesIn = (channelId: string) =>
  Object.values(sandbox.state.guilds[guildId]?.messages ?? {}).filter((m) => m.channelId === channelId);

type Button = { type: number; style: number; label: string; custom_id: string };
const buttonsOf = (components: unknown): Button[] =>
  ((components as { components: Button[] }[] | undefined) ?? []).flatMap((row) => row.components);

describe('gate alerts', () => {
  it('posts the alert once with reasons, score, joins, the step and the two buttons', async () => {
    expect(await postGateAlert(deps(), alert())).toEqual({
      channel: 'posted',
      webhook: 'not-configured',
      problems: [],
    });
    expect(await postGateAlert(deps(), alert())).toMatchObject({ channel: 'already-posted' });

    const [message, ...others] = messagesIn(alertsChannel);
    expect(others).toEqual([]);
    const embed = message?.embeds[0];
    expect(embed?.title).toBe('Raid suspected — newcomers must verify');
    expect(embed?.description).toBe('• 12 joins in a minute\n• accounts created within days of each other');
    const fields = Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      'Raid score': '0.62',
      'Joins (last minute)': '12',
      'Step taken': 'verification level 1 → 3',
    });
    expect(fields.Newcomers).toContain('verification level holds newcomers back');
    expect(fields.Status).toContain('existing members and invites are untouched');
    expect(message?.components[0]?.type).toBe(ComponentType.ActionRow);
    expect(buttonsOf(message?.components)).toEqual([
      expect.objectContaining({
        label: 'Lock down now',
        style: ButtonStyle.Danger,
        custom_id: `gate:lockdown:${gateId}`,
      }),
      expect.objectContaining({ label: 'End gate', custom_id: `gate:end:${gateId}` }),
    ]);
    const row = await database.db
      .selectFrom('gate_step')
      .select(['alert_channel_id', 'alert_message_id'])
      .where('gate_id', '=', gateId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ alert_channel_id: alertsChannel, alert_message_id: message?.id });
    expect(announced).toEqual([
      { guildId, gateId, channelId: alertsChannel, messageId: message?.id, postedAt: STARTED_AT + 5_000 },
    ]);
  });

  it('posts one message when redelivered before the enforcer recorded the post', async () => {
    const forgetful = { ...deps(), announcePosted: async () => undefined };
    expect(await postGateAlert(forgetful, alert())).toMatchObject({ channel: 'posted' });
    expect(await postGateAlert(forgetful, alert())).toMatchObject({ channel: 'posted' });
    expect(messagesIn(alertsChannel)).toHaveLength(1);
  });

  it('says the member gate holds newcomers under on-alert', async () => {
    await postGateAlert(deps(), alert({ mode: 'on-alert', step: 'newcomers must pass the member gate' }));
    const fields = messagesIn(alertsChannel)[0]?.embeds[0]?.fields ?? [];
    expect(fields.find((f) => f.name === 'Newcomers')?.value).toContain('must pass the verify page');
  });

  it('falls back to the log channel, and reports when no channel is set', async () => {
    const logChannel = sandbox.inspect.guild(guildId).channels['mod-log'] ?? '';
    config = { ...defaultGuildConfig(), punishLogChannelId: logChannel };
    await postGateAlert(deps(), alert());
    expect(messagesIn(logChannel)).toHaveLength(1);

    config = defaultGuildConfig();
    const other = await insertGate(database.db, { guildId, startedAt: STARTED_AT + 1 });
    expect(await postGateAlert(deps(), alert({ gateId: other }))).toMatchObject({ channel: 'no-channel' });
  });

  it('edits the alert when the gate ends: no buttons, who ended it, and a follow-up', async () => {
    await postGateAlert(deps(), alert());
    const ended = alert({
      kind: 'ended',
      by: ADMIN,
      step: 'verification level back to 1',
      at: STARTED_AT + 90_000,
    });
    expect(await postGateAlert(deps(), ended)).toMatchObject({ channel: 'updated' });
    await postGateAlert(deps(), ended);

    const [original, followUp, ...others] = messagesIn(alertsChannel);
    expect(others).toEqual([]);
    expect(original?.components).toEqual([]);
    expect(original?.embeds[0]?.fields?.find((f) => f.name === 'Status')?.value).toMatch(
      new RegExp(`^Ended by <@${ADMIN}>`),
    );
    expect(followUp?.content).toContain(`Gate ended by <@${ADMIN}>`);
    expect(followUp?.content).toContain('• verification level back to 1');
  });

  it('reports an alert channel Discord refuses, and loses nothing else', async () => {
    // An alert channel deleted since it was configured.
    config = { ...config, lockdown: { ...config.lockdown, alertChannelId: '1200000000000000999' } };
    const report = await postGateAlert(deps(), alert());
    expect(report.channel).toBe('refused');
    expect(report.problems[0]).toMatch(/Unknown Channel/);
    const row = await database.db
      .selectFrom('gate_step')
      .select(['alert_message_id'])
      .where('gate_id', '=', gateId)
      .executeTakeFirstOrThrow();
    expect(row.alert_message_id).toBeNull();
  });

  it("calls the guild's alert webhook, signed, as a gate alert", async () => {
    const webhook = await startWebhookReceiver();
    try {
      config = { ...config, lockdown: { ...config.lockdown, webhookUrl: webhook.url } };
      expect(await postGateAlert(deps(), alert())).toMatchObject({ channel: 'posted', webhook: 'sent' });
      const [call] = webhook.received;
      const body = JSON.parse(call?.body ?? '{}');
      expect(body).toMatchObject({ type: 'gate.alert', alert: { gateId, kind: 'started', score: 0.62 } });
      const timestamp = Number(call?.headers['x-chat-guard-timestamp']);
      expect(call?.headers['x-chat-guard-signature']).toBe(
        webhookSignature(guildWebhookSecret(SECRET, guildId), timestamp, call?.body ?? ''),
      );

      expect(await postGateAlert({ ...deps(), webhookSecret: null }, alert())).toMatchObject({
        channel: 'already-posted',
        webhook: 'no-secret',
      });
      expect(webhook.received).toHaveLength(1);
    } finally {
      await webhook.close();
    }
  });
});
