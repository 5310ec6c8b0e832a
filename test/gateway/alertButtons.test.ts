import { createDiscordRest } from '@chat-guard/discord';
import { describe, expect, it } from 'vitest';
import { answerLockdownButton } from '../../services/gateway/src/answerLockdown.ts';
import { gateButtons } from '../../services/log-writer/src/gateAlertMessage.ts';
import { waitFor } from '../support/bus.ts';
import {
  bus,
  cache,
  database,
  desk,
  guildId,
  lockdownId,
  STARTED_AT,
  sandbox,
  useLockdownDesk,
  view,
} from '../support/lockdownDesk.ts';
import { insertGate } from '../support/lockdowns.ts';

// The gateway's answers to the lockdown and gate alerts' buttons, through the real discord.js
// client on the sandbox, with the real bus and database (/lockdown itself: lockdown.test.ts).

const { verdicts, answers, replyTo, click, slash } = useLockdownDesk();

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
    desk.clock.nowMs = STARTED_AT + 120_000;
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
