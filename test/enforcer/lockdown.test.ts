import { DiscordUnavailableError } from '@chat-guard/discord';
import { answerLockdown, type LockdownDeps, onLockdownLifted, startLockdown } from '@chat-guard/enforcer';
import { readLockdownState, swapLockdownState } from '@chat-guard/store';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import {
  answer,
  clock,
  database,
  detectorLift,
  guild,
  guildId,
  HOUR,
  harness,
  lockdownTestSetUp,
  MINUTE,
  now,
  publicChannels,
  redis,
  request,
  rowOf,
  SEND,
  sandbox,
  settings,
  timedOut,
  view,
} from './lockdownHarness.ts';

lockdownTestSetUp();

describe('a lockdown', () => {
  it('applies every step of the profile, quarantines the suspects and alerts', async () => {
    const { deps, alerts, audits } = harness();
    const req = request(0.95);
    await startLockdown(deps, req);

    const locked = settings();
    expect(locked.verificationLevel).toBe(3);
    const pausedFor = Date.parse(locked.incidents?.invites_disabled_until ?? '') - now();
    expect(pausedFor).toBeGreaterThan(23 * HOUR);
    expect(pausedFor).toBeLessThanOrEqual(24 * HOUR);
    for (const channel of locked.channels) {
      const isPublic = ['general', 'chat', 'media'].includes(channel.name);
      expect(channel.slowmode, channel.name).toBe(isPublic ? 30 : 0);
      const denied = channel.everyone !== null && (BigInt(channel.everyone.deny) & SEND) !== 0n;
      expect(denied, channel.name).toBe(isPublic);
    }
    for (const userId of req.suspectIds) {
      expect(Date.parse(timedOut(userId) ?? '')).toBeGreaterThan(now() + 59 * MINUTE);
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'started', shadow: false, quarantined: 3, at: req.requestedAt });
    expect(alerts[0]?.steps).toEqual([
      'invites paused (renewed while the lockdown holds)',
      'verification level 1 → 3',
      'slowmode 30 s in 3 channels',
      'send messages denied in 3 channels',
      'quarantined 3 accounts for 60 min',
    ]);
    const row = await rowOf(req.lockdownId);
    expect(row).toMatchObject({ status: 'active', shadow: false, quarantined: req.suspectIds });
    expect(audits.map((a) => a.action)).toContain('lockdown.started');
  });

  it('leaves Send Messages open under the score the profile asks for it', async () => {
    const { deps, alerts } = harness({ denySendMinScore: 0.9 });
    await startLockdown(deps, request(0.85));
    expect(
      settings().channels.every((c) => c.everyone === null || c.name === 'mod-log' || c.name === 'alerts'),
    ).toBe(true);
    expect(alerts[0]?.steps).toContain('send messages left open (score 0.85 < 0.90)');
  });

  it('on lift puts back every setting exactly as it was and keeps the quarantine', async () => {
    const [general, chat] = publicChannels();
    const g = guild();
    // A channel with its own slowmode and @everyone overwrite, and DMs already paused by an admin.
    const chatChannel = g.channels[chat ?? ''];
    if (!chatChannel) throw new Error('no #chat');
    chatChannel.rateLimitPerUser = 10;
    const own = PermissionFlagsBits.AddReactions | SEND;
    chatChannel.permissionOverwrites.push({
      id: guildId,
      type: 0,
      allow: own.toString(),
      deny: PermissionFlagsBits.EmbedLinks.toString(),
    });
    g.incidentsData = {
      invites_disabled_until: null,
      dms_disabled_until: new Date(now() + 3 * HOUR).toISOString(),
    };
    const before = settings();

    const { deps, alerts } = harness();
    const req = request();
    await startLockdown(deps, req);
    const merged = g.channels[chat ?? '']?.permissionOverwrites.find((o) => o.id === guildId);
    expect(merged).toMatchObject({
      allow: PermissionFlagsBits.AddReactions.toString(),
      deny: (PermissionFlagsBits.EmbedLinks | SEND).toString(),
    });
    expect(g.channels[general ?? '']?.rateLimitPerUser).toBe(30);
    expect(g.incidentsData?.dms_disabled_until).toBe(before.incidents?.dms_disabled_until);

    clock.offset += 10 * MINUTE;
    const lifted = detectorLift(req.lockdownId);
    await onLockdownLifted(deps, lifted);
    expect(settings()).toEqual(before);
    for (const userId of req.suspectIds) expect(timedOut(userId)).not.toBeNull();
    expect((await rowOf(req.lockdownId)).status).toBe('lifted');
    expect(alerts.at(-1)).toMatchObject({
      kind: 'lifted',
      by: null,
      at: lifted.liftedAt,
      steps: [
        'invites resumed',
        'verification level back to 1',
        'slowmode restored in 3 channels',
        'send messages restored in 3 channels',
      ],
    });

    // A redelivered lift changes nothing more.
    const actions = sandbox.inspect.actions().length;
    await onLockdownLifted(deps, lifted);
    expect(sandbox.inspect.actions().length).toBe(actions);
  });

  it('on a false alarm restores, releases the quarantined accounts, labels the window and holds the detector off', async () => {
    const before = settings();
    const { deps, alerts } = harness();
    const req = request();
    await swapLockdownState(redis, guildId, null, {
      lockdownId: req.lockdownId,
      since: req.requestedAt,
      holdUntil: null,
      suppressedUntil: null,
      endedAt: null,
    });
    await startLockdown(deps, req);
    clock.offset += 5 * MINUTE;
    const falseAlarm = answer(req.lockdownId, 'false-alarm');
    await answerLockdown(deps, falseAlarm);

    expect(settings()).toEqual(before);
    for (const userId of req.suspectIds) expect(timedOut(userId)).toBeNull();
    expect(alerts.at(-1)).toMatchObject({
      kind: 'lifted',
      by: falseAlarm.moderatorId,
      at: falseAlarm.answeredAt,
    });
    expect(alerts.at(-1)?.steps).toContain('released 3 accounts');
    const labels = await database.db.selectFrom('raid_label').selectAll().execute();
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({
      lockdown_id: req.lockdownId,
      label: 'false-alarm',
      answer: 'false-alarm',
      labelled_by: falseAlarm.moderatorId,
    });
    expect(labels[0]?.window_start.getTime()).toBe(req.raidWindowStart);
    expect(labels[0]?.window_end.getTime()).toBe(falseAlarm.answeredAt);
    const shared = await readLockdownState(redis, guildId);
    expect(shared).toMatchObject({ lockdownId: null, suppressedUntil: falseAlarm.answeredAt + 30 * MINUTE });
  });

  it('in shadow mode records the lockdown and alerts, and changes nothing on Discord', async () => {
    const before = settings();
    const { deps, alerts } = harness({ mode: 'shadow' });
    const req = request();
    await startLockdown(deps, req);
    await answerLockdown(deps, answer(req.lockdownId, 'confirm-ban'));
    expect(settings()).toEqual(before);
    expect(sandbox.inspect.actions()).toEqual([]);
    expect((await rowOf(req.lockdownId)).shadow).toBe(true);
    expect(alerts[0]).toMatchObject({ kind: 'started', shadow: true, quarantined: 0 });
    expect(alerts[0]?.steps).toContain('would raise the verification level 1 → 3');
  });

  it('with the profile off records nothing and audits that it ignored the request', async () => {
    const { deps, alerts, audits } = harness({ mode: 'off' });
    await startLockdown(deps, request());
    expect(sandbox.inspect.actions()).toEqual([]);
    expect(alerts).toEqual([]);
    expect(await database.db.selectFrom('lockdown').selectAll().execute()).toEqual([]);
    expect(audits.map((a) => a.action)).toEqual(['lockdown.ignored']);
  });

  it('redelivered after a crash mid-way, finishes once and keeps the first snapshot', async () => {
    const before = settings();
    const { deps } = harness();
    let slowmodes = 0;
    const crashing: LockdownDeps = {
      ...deps,
      discord: {
        ...deps.discord,
        setSlowmode: async (...args) => {
          slowmodes += 1;
          if (slowmodes === 2) throw new DiscordUnavailableError('killed mid-lockdown');
          await deps.discord.setSlowmode(...args);
        },
      },
    };
    const req = request();
    await expect(startLockdown(crashing, req)).rejects.toThrow(/killed mid-lockdown/);
    expect(guild().verificationLevel).toBe(3);
    await startLockdown(deps, req);
    await startLockdown(deps, req);

    const kinds = sandbox.inspect.actions().map((a) => a.kind);
    const count = (kind: string) => kinds.filter((k) => k === kind).length;
    expect(count('guild.verificationLevel')).toBe(1);
    expect(count('guild.incidentActions')).toBe(1);
    expect(count('channel.slowmode')).toBe(3);
    expect(count('channel.permissions')).toBe(3);
    expect(count('member.timedOut')).toBe(3);
    const prior = (await rowOf(req.lockdownId)).prior_state as { verificationLevel: number };
    expect(prior.verificationLevel).toBe(1);

    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    expect(settings()).toEqual(before);
  });

  it('reports a step Discord refuses and still takes the others', async () => {
    const botRole = guild().roles[view().roles.bot ?? ''];
    if (!botRole) throw new Error('no bot role');
    botRole.permissions = (BigInt(botRole.permissions) & ~PermissionFlagsBits.ManageGuild).toString();
    const { deps, alerts, audits } = harness();
    const req = request();
    await startLockdown(deps, req);

    expect(guild().verificationLevel).toBe(1);
    expect(guild().incidentsData).toBeNull();
    expect(settings().channels.filter((c) => c.slowmode === 30)).toHaveLength(3);
    for (const userId of req.suspectIds) expect(timedOut(userId)).not.toBeNull();
    expect(alerts[0]?.steps).toEqual(
      expect.arrayContaining([
        'invite pause: refused (Missing Permissions)',
        'verification level: refused (Missing Permissions)',
        'slowmode 30 s in 3 channels',
      ]),
    );
    expect(audits.filter((a) => a.action === 'action.failed')).toHaveLength(2);

    // The lift restores what was changed and does not try what never was.
    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    expect(settings().channels.every((c) => c.slowmode === 0)).toBe(true);
    expect(alerts.at(-1)?.steps).toEqual([
      'slowmode restored in 3 channels',
      'send messages restored in 3 channels',
    ]);
  });
});
