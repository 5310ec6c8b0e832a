import type { EventPayload } from '@chat-guard/events';
import { announceGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

// The gentle step end to end on the sandbox with the real enforcer, log-writer and gateway:
// gate.started → the level raised and the alert posted → an admin clicks End gate → restored.

let system: System;
let guildId: string;
let view: ReturnType<System['sandbox']['inspect']['guild']>;

beforeAll(async () => {
  system = await startSystem({ sandbox: { guilds: [{ members: 20 }], seed: 31 } });
  guildId = system.sandbox.guilds[0] ?? '';
  view = system.sandbox.inspect.guild(guildId);
  // The member gate off: the gate step must raise the level itself. Set before the services
  // start, so each reads it on its first load.
  const update = await updateGuildConfig(
    system.database.db,
    guildId,
    (c) => ({ gate: { ...c.gate, mode: 'off' }, punishLogChannelId: view.channels['mod-log'] ?? null }),
    view.adminId ?? '',
  );
  await announceGuildConfig(
    system.bus,
    guildId,
    { config: update.after, revision: update.revision },
    view.adminId ?? '',
    Date.now(),
  );
  await Promise.all([system.start('enforcer'), system.start('log-writer'), system.start('gateway')]);
  await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
}, 180_000);
afterAll(() => system?.stop());

const level = () => system.sandbox.core.guild(guildId).verificationLevel;
const logMessages = () =>
  Object.values(system.sandbox.state.guilds[guildId]?.messages ?? {}).filter(
    (m) => m.channelId === view.channels['mod-log'],
  );
const gateAlertMessage = () =>
  logMessages().find((m) => m.embeds[0]?.title === 'Raid suspected — newcomers must verify');
const auditActions = async () =>
  (
    await system.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'details'])
      .where('guild_id', '=', guildId)
      .orderBy('seq')
      .execute()
  ).filter((a) => a.action.startsWith('gate.'));

describe('the gentle step on the sandbox', () => {
  it('raises the level with an alert, and an admin ends it with the button', async () => {
    expect(level()).toBe(1);
    const startedAt = Date.now();
    const gate: EventPayload<'gate.started'> = {
      guildId,
      gateId: `${guildId}-${startedAt}`,
      score: 0.64,
      threshold: 0.5,
      reasons: ['14 joins in a minute', 'names that look alike'],
      features: { joinRate: 0.5 },
      featureVersion: 3,
      joinsLastMinute: 14,
      startedAt,
    };
    await system.bus.publish('gate.started', gate);

    await waitFor(() => level() === 3, 'the raised verification level', 30_000);
    await waitFor(() => gateAlertMessage() !== undefined, 'the gate alert', 30_000);
    const alert = gateAlertMessage();
    const fields = Object.fromEntries((alert?.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ 'Raid score': '0.64', 'Joins (last minute)': '14' });
    expect(fields['Step taken']).toBe('verification level 1 → 3');
    expect(JSON.stringify(alert?.components)).toContain(`gate:end:${gate.gateId}`);

    // A moderator without Manage Server is refused; the admin's click ends the gate.
    const click = (userId: string) =>
      system.sandbox.interactions.clickButton({
        channelId: view.channels['mod-log'] ?? '',
        userId,
        messageId: alert?.id ?? '',
        customId: `gate:end:${gate.gateId}`,
      });
    const replyTo = (id: string) =>
      system.sandbox.inspect
        .actions({ kind: 'message.edited', guildId })
        .find((a) => a.data.interactionId === id);
    const refused = click(view.moderatorId ?? '');
    await waitFor(() => replyTo(refused.id) !== undefined, 'the refusal', 20_000);
    expect(String(replyTo(refused.id)?.data.content)).toMatch(/^Only members with Manage Server/);
    expect(level()).toBe(3);

    click(view.adminId ?? '');
    await waitFor(() => level() === 1, 'the restored verification level', 30_000);
    await waitFor(() => gateAlertMessage()?.components.length === 0, 'the alert without buttons', 30_000);
    const status = gateAlertMessage()?.embeds[0]?.fields?.find((f) => f.name === 'Status')?.value;
    expect(status).toMatch(new RegExp(`^Ended by <@${view.adminId}>`));

    await waitFor(async () => (await auditActions()).length >= 3, 'the gate audit entries', 30_000);
    const actions = await auditActions();
    const byAction = Object.fromEntries(actions.map((a) => [a.action, a]));
    expect(Object.keys(byAction).sort()).toEqual(['gate.end', 'gate.end_requested', 'gate.start']);
    expect(byAction['gate.start']?.details).toMatchObject({
      joinsLastMinute: 14,
      step: 'verification level 1 → 3',
    });
    expect(byAction['gate.end']).toMatchObject({
      actor_id: view.adminId,
      details: { endedBy: view.adminId },
    });
    expect(byAction['gate.end_requested']?.actor_id).toBe(view.adminId);
  }, 120_000);
});
