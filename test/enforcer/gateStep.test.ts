import { createDiscordRest, DiscordUnavailableError } from '@chat-guard/discord';
import {
  type AuditPayload,
  type GateAlert,
  type GateDeps,
  onGateEnded,
  onGateStarted,
  onLockdownLifted,
  startLockdown,
} from '@chat-guard/enforcer';
import {
  defaultGuildConfig,
  type EventPayload,
  type GateSettings,
  type LockdownSettings,
} from '@chat-guard/events';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import {
  database,
  detectorLift,
  guild,
  guildId,
  harness,
  lockdownTestSetUp,
  now,
  request,
  sandbox,
  view,
} from './lockdownHarness.ts';

lockdownTestSetUp();

function gateHarness(
  mode: GateSettings['mode'],
  profileLevel: number | null = null,
  lockdownMode: LockdownSettings['mode'] = 'enforce',
) {
  const audits: AuditPayload[] = [];
  const alerts: GateAlert[] = [];
  const config = defaultGuildConfig();
  const deps: GateDeps = {
    db: database.db,
    discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
    config: () => ({
      ...config,
      gate: { ...config.gate, mode },
      lockdown: { ...config.lockdown, verificationLevel: profileLevel, mode: lockdownMode },
    }),
    audit: async (entry) => {
      audits.push(entry);
    },
    gateAlert: async (alert) => {
      alerts.push(alert);
    },
    now,
  };
  return { deps, audits, alerts };
}

let gateSeq = 0;
function started(): EventPayload<'gate.started'> {
  const at = now() + gateSeq++;
  return {
    guildId,
    gateId: `${guildId}-${at}`,
    score: 0.62,
    threshold: 0.5,
    reasons: ['12 joins in a minute', 'accounts created within days of each other'],
    features: { joinRate: 0.4 },
    featureVersion: 3,
    joinsLastMinute: 12,
    startedAt: at,
  };
}

function ended(gate: EventPayload<'gate.started'>, endedBy = 'detector'): EventPayload<'gate.ended'> {
  return {
    guildId,
    gateId: gate.gateId,
    score: 0.1,
    reasons: ['quiet for 3 minutes'],
    endedBy,
    endedAt: now(),
  };
}

const level = () => guild().verificationLevel;
const levelChanges = () => sandbox.inspect.actions().filter((a) => a.kind === 'guild.verificationLevel');

describe('the gate step', () => {
  it('raises the verification level where the member gate is off, and restores it at the end', async () => {
    const { deps, audits, alerts } = gateHarness('off');
    expect(level()).toBe(1);
    const gate = started();
    await onGateStarted(deps, gate);

    expect(level()).toBe(3);
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'started',
        mode: 'off',
        step: 'verification level 1 → 3',
        joinsLastMinute: 12,
      }),
    ]);
    const start = audits.find((a) => a.action === 'gate.start');
    expect(start?.details).toMatchObject({
      gateId: gate.gateId,
      score: 0.62,
      joinsLastMinute: 12,
      step: 'verification level 1 → 3',
    });
    expect(String(start?.details.reasons)).toContain('12 joins in a minute');

    await onGateEnded(deps, ended(gate));
    expect(level()).toBe(1);
    expect(alerts.at(-1)).toMatchObject({
      kind: 'ended',
      by: 'detector',
      step: 'verification level back to 1',
    });
    expect(audits.find((a) => a.action === 'gate.end')?.details).toMatchObject({ endedBy: 'detector' });
  });

  it("raises to the lockdown profile's level under rules mode", async () => {
    const { deps } = gateHarness('rules', 2);
    await onGateStarted(deps, started());
    expect(level()).toBe(2);
  });

  it("only says what it would do in the lockdown profile's shadow mode", async () => {
    const { deps, alerts } = gateHarness('off', null, 'shadow');
    const gate = started();
    await onGateStarted(deps, gate);
    await onGateEnded(deps, ended(gate));
    expect(level()).toBe(1);
    expect(levelChanges()).toEqual([]);
    expect(alerts.map((a) => a.step)).toEqual([
      'shadow mode: would raise the verification level 1 → 3; nothing changed',
      'nothing to restore',
    ]);
  });

  it('changes nothing on Discord when the member gate gates newcomers (on-alert, always)', async () => {
    for (const mode of ['on-alert', 'always'] as const) {
      const { deps, alerts } = gateHarness(mode);
      const before = sandbox.inspect.actions().length;
      const gate = started();
      await onGateStarted(deps, gate);
      await onGateEnded(deps, ended(gate));
      expect(level()).toBe(1);
      expect(sandbox.inspect.actions().length).toBe(before);
      expect(alerts[0]?.step).toContain('newcomers must pass the member gate');
      expect(alerts[1]?.kind).toBe('ended');
    }
  });

  it('a redelivered start or end does nothing twice', async () => {
    const { deps, audits } = gateHarness('off');
    const gate = started();
    await onGateStarted(deps, gate);
    const raised = sandbox.inspect.actions().length;
    await onGateStarted(deps, gate);
    expect(sandbox.inspect.actions().length).toBe(raised);
    expect(level()).toBe(3);

    await onGateEnded(deps, ended(gate));
    const restored = sandbox.inspect.actions().length;
    expect(restored).toBe(raised + 1);
    // The admin moves the level on; a late redelivery of the end must not undo it.
    guild().verificationLevel = 4;
    await onGateEnded(deps, ended(gate));
    await onGateStarted(deps, gate);
    expect(sandbox.inspect.actions().length).toBe(restored);
    expect(level()).toBe(4);
    // Same audit keys each time, so the chain records each once.
    const keys = audits.map((a) => a.idempotencyKey);
    expect(new Set(keys.filter((k) => k.endsWith(':start')))).toEqual(new Set([`gate:${gate.gateId}:start`]));
  });

  it('finishes a raise and a restore cut short by a restart, from the first snapshot', async () => {
    const { deps, alerts } = gateHarness('off');
    const gate = started();
    // Killed right after Discord applied the raise, before the ledger heard of it.
    const killedAfter: GateDeps = {
      ...deps,
      discord: {
        ...deps.discord,
        setVerificationLevel: async (...args) => {
          await deps.discord.setVerificationLevel(...args);
          throw new DiscordUnavailableError('killed mid-step');
        },
      },
    };
    await expect(onGateStarted(killedAfter, gate)).rejects.toThrow(/killed mid-step/);
    expect(level()).toBe(3);
    await onGateStarted(deps, gate);
    expect(alerts.map((a) => a.step)).toEqual(['verification level 1 → 3']);

    // Discord down at the end: nothing is marked ended, and the redelivery restores.
    const down: GateDeps = {
      ...deps,
      discord: {
        ...deps.discord,
        setVerificationLevel: async () => {
          throw new DiscordUnavailableError('Discord is down');
        },
      },
    };
    await expect(onGateEnded(down, ended(gate))).rejects.toThrow(/Discord is down/);
    expect(level()).toBe(3);
    await onGateEnded(deps, ended(gate));
    expect(level()).toBe(1);
    expect(alerts.at(-1)).toMatchObject({ kind: 'ended', step: 'verification level back to 1' });
  });

  it('leaves a level an admin changed meanwhile', async () => {
    const { deps, alerts } = gateHarness('off');
    const gate = started();
    await onGateStarted(deps, gate);
    guild().verificationLevel = 4;
    await onGateEnded(deps, ended(gate));
    expect(level()).toBe(4);
    expect(alerts.at(-1)?.step).toBe('verification level is 4 now, not the 3 the gate set: left as it is');
  });

  it('an end that comes before the start leaves the late start without effect', async () => {
    const { deps, alerts } = gateHarness('off');
    const gate = started();
    await onGateEnded(deps, ended(gate, view().adminId ?? ''));
    await onGateStarted(deps, gate);
    expect(level()).toBe(1);
    expect(alerts.map((a) => a.kind)).toEqual(['ended']);
  });

  it('hands the prior level to an active lockdown, whose lift restores it', async () => {
    const { deps } = gateHarness('off');
    const gate = started();
    await onGateStarted(deps, gate);
    expect(level()).toBe(3);

    const lockdown = harness();
    const req = request(0.95);
    await startLockdown(lockdown.deps, req);
    expect(lockdown.alerts[0]?.steps).not.toContain('verification level 3 → 3');

    const admin = view().adminId ?? '';
    await onGateEnded(deps, ended(gate, admin));
    expect(level()).toBe(3); // the lockdown still holds
    const row = await database.db
      .selectFrom('gate_step')
      .selectAll()
      .where('gate_id', '=', gate.gateId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ended', handed_to: req.lockdownId, ended_by: admin });

    await onLockdownLifted(lockdown.deps, detectorLift(req.lockdownId));
    expect(level()).toBe(1);
    expect(lockdown.alerts.at(-1)?.steps).toContain('verification level back to 1');
  });

  it('a gate that started while another held takes the raise over when the first ends', async () => {
    const { deps, alerts } = gateHarness('off');
    const first = started();
    const second = started();
    await onGateStarted(deps, first);
    await onGateStarted(deps, second);
    expect(alerts[1]?.step).toBe('verification level already 3 (at least 3): nothing changed');
    await onGateEnded(deps, ended(first));
    expect(level()).toBe(3);
    expect(alerts.at(-1)?.step).toBe(
      `verification level left at 3: gate ${second.gateId} holds it and restores 1`,
    );
    await onGateEnded(deps, ended(second));
    expect(level()).toBe(1);
  });

  it('keeps the level a lockdown raised before it past the lift, and restores it at its own end', async () => {
    const lockdown = harness();
    const req = request(0.95);
    await startLockdown(lockdown.deps, req);
    expect(level()).toBe(3);

    const { deps, alerts } = gateHarness('off');
    const gate = started();
    await onGateStarted(deps, gate);
    expect(alerts[0]?.step).toBe(
      `verification level already 3, raised by lockdown ${req.lockdownId}: the gate keeps it after the lift and restores 1`,
    );
    await onLockdownLifted(lockdown.deps, detectorLift(req.lockdownId));
    expect(level()).toBe(3); // newcomers still meet the raised level while the gate holds
    await onGateEnded(deps, ended(gate));
    expect(level()).toBe(1);
    expect(alerts.at(-1)?.step).toBe('verification level back to 1');
  });

  it('gives the level back to a lockdown that raised it first when the gate ends before the lift', async () => {
    const lockdown = harness();
    const req = request(0.95);
    await startLockdown(lockdown.deps, req);
    const { deps } = gateHarness('off');
    const gate = started();
    await onGateStarted(deps, gate);
    await onGateEnded(deps, ended(gate));
    expect(level()).toBe(3); // the lockdown still holds
    await onLockdownLifted(lockdown.deps, detectorLift(req.lockdownId));
    expect(level()).toBe(1);
  });

  it('reports a 403 clearly, audits it as not done, and keeps the gate', async () => {
    const botRole = guild().roles[view().roles.bot ?? ''];
    if (!botRole) throw new Error('no bot role');
    botRole.permissions = (BigInt(botRole.permissions) & ~PermissionFlagsBits.ManageGuild).toString();
    const { deps, audits, alerts } = gateHarness('off');
    const gate = started();
    await onGateStarted(deps, gate);

    expect(level()).toBe(1);
    expect(alerts[0]?.step).toBe(
      'verification level: refused (Missing Permissions); nothing changed, newcomers are not held back',
    );
    const failed = audits.filter((a) => a.action === 'action.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.reason).toContain('gate.verification refused');
    expect(audits.some((a) => a.action === 'gate.start')).toBe(true);

    await onGateEnded(deps, ended(gate));
    expect(alerts.at(-1)).toMatchObject({ kind: 'ended', step: 'nothing to restore' });
    expect(levelChanges()).toHaveLength(0);
  });
});
