import {
  INVITE_PAUSE_MS,
  MANUAL_HOLD_MS,
  onLockdownLifted,
  onLockdownRequested,
  RENEW_AHEAD_MS,
  renewInvitePauses,
} from '@chat-guard/enforcer';
import { readLockdownState } from '@chat-guard/store';
import { describe, expect, it } from 'vitest';
import {
  clock,
  database,
  detectorLift,
  guild,
  guildId,
  HOUR,
  harness,
  lockdownTestSetUp,
  now,
  redis,
  request,
  rowOf,
  settings,
  view,
} from './lockdownHarness.ts';

lockdownTestSetUp();

const byHand = () => ({
  ...request(1),
  requestedBy: view().adminId ?? '',
  reasons: ['started by hand: test'],
});

describe("an admin's lockdown (/lockdown start)", () => {
  it('takes the same path as the detector, then holds until an admin lifts it', async () => {
    const { deps, alerts } = harness();
    const req = byHand();
    await onLockdownRequested(deps, req);
    const row = await rowOf(req.lockdownId);
    expect(row).toMatchObject({ status: 'active', started_by: view().adminId });
    expect(row.hold_until?.getTime()).toBe(req.requestedAt + MANUAL_HOLD_MS);
    expect(settings().verificationLevel).toBe(3);
    expect(alerts[0]).toMatchObject({ kind: 'started', score: 1 });
    // The detector is told, so it starts none of its own and does not lift this one when calm.
    expect(await readLockdownState(redis, guildId)).toMatchObject({
      lockdownId: req.lockdownId,
      holdUntil: req.requestedAt + MANUAL_HOLD_MS,
    });
    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    expect((await rowOf(req.lockdownId)).status).toBe('active');

    await onLockdownLifted(deps, { ...detectorLift(req.lockdownId), liftedBy: view().adminId ?? '' });
    expect((await rowOf(req.lockdownId)).status).toBe('lifted');
    expect(settings().verificationLevel).toBe(1);
    expect((await readLockdownState(redis, guildId)).lockdownId).toBeNull();
  });

  it('pauses DMs as a step of the profile, renews the pause, and restores what was there', async () => {
    const { deps, alerts } = harness({ pauseDms: true, pauseInvites: false });
    const req = byHand();
    await onLockdownRequested(deps, req);
    const paused = settings().incidents;
    expect(paused?.invites_disabled_until ?? null).toBeNull();
    expect(Date.parse(paused?.dms_disabled_until ?? '')).toBeGreaterThan(now() + 23 * HOUR);
    expect(alerts[0]?.steps).toContain('DMs paused (renewed while the lockdown holds)');

    // Near the end of Discord's 24 hours, the renewal pauses DMs again, and still not invites.
    clock.offset = INVITE_PAUSE_MS - RENEW_AHEAD_MS + 60_000;
    expect(await renewInvitePauses(deps)).toEqual([req.lockdownId]);
    const renewed = settings().incidents;
    expect(Date.parse(renewed?.dms_disabled_until ?? '')).toBeGreaterThan(now() + 23 * HOUR);
    expect(renewed?.invites_disabled_until ?? null).toBeNull();

    await onLockdownLifted(deps, { ...detectorLift(req.lockdownId), liftedBy: view().adminId ?? '' });
    expect(settings().incidents?.dms_disabled_until ?? null).toBeNull();
    const audits = await database.db.selectFrom('enforcement_action').select('key').execute();
    expect(audits.map((a) => a.key)).toContain(`lockdown:${req.lockdownId}:restore-dms:${guildId}`);
    expect(guild().incidentsData?.invites_disabled_until ?? null).toBeNull();
  });
});
