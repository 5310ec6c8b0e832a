import { answerLockdown, onLockdownLifted, renewInvitePauses, startLockdown } from '@chat-guard/enforcer';
import { readLockdownState, swapLockdownState } from '@chat-guard/store';
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
  redis,
  request,
  rowOf,
  sandbox,
} from './lockdownHarness.ts';

lockdownTestSetUp();

describe('a lockdown, answered and held', () => {
  it('on "confirm-ban" bans each quarantined account once, however many admins confirm', async () => {
    const { deps, alerts } = harness();
    const req = request();
    await startLockdown(deps, req);
    await answerLockdown(deps, answer(req.lockdownId, 'confirm-ban'));
    await answerLockdown(deps, answer(req.lockdownId, 'confirm-ban'));

    expect(Object.keys(guild().bans).sort()).toEqual([...req.suspectIds].sort());
    expect(sandbox.inspect.actions({ kind: 'member.banned' })).toHaveLength(3);
    expect(alerts.at(-1)).toMatchObject({ kind: 'confirmed', steps: ['banned 3 accounts'] });
    const labels = await database.db.selectFrom('raid_label').select(['label', 'answer']).execute();
    expect(labels).toEqual([{ label: 'raid', answer: 'confirm-ban' }]);
    expect((await rowOf(req.lockdownId)).status).toBe('active');
  });

  it('on "extend" holds off the detector\'s lift for an hour and renews the invite pause', async () => {
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
    const extend = answer(req.lockdownId, 'extend');
    await answerLockdown(deps, extend);
    const holdUntil = extend.answeredAt + HOUR;
    expect((await readLockdownState(redis, guildId)).holdUntil).toBe(holdUntil);
    expect(alerts.at(-1)).toMatchObject({ kind: 'extended', holdUntil, by: extend.moderatorId });
    expect(sandbox.inspect.actions({ kind: 'guild.incidentActions' })).toHaveLength(2);

    clock.offset += 10 * MINUTE;
    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    expect((await rowOf(req.lockdownId)).status).toBe('active');
    expect(guild().verificationLevel).toBe(3);

    clock.offset += HOUR;
    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    expect((await rowOf(req.lockdownId)).status).toBe('lifted');
    expect(guild().verificationLevel).toBe(1);
  });

  it('renews the invite pause of a lockdown nearing its end, once per pause, while it holds', async () => {
    const { deps } = harness();
    const req = request();
    await startLockdown(deps, req);
    const first = Date.parse(guild().incidentsData?.invites_disabled_until ?? '');
    expect(await renewInvitePauses(deps)).toEqual([]); // a fresh pause is not due

    clock.offset += 22.5 * HOUR;
    expect(await renewInvitePauses(deps)).toEqual([req.lockdownId]);
    const renewed = Date.parse(guild().incidentsData?.invites_disabled_until ?? '');
    expect(renewed).toBeGreaterThan(first + 22 * HOUR);
    expect(renewed - now()).toBeLessThanOrEqual(24 * HOUR);
    expect(await renewInvitePauses(deps)).toEqual([]);
    expect((await rowOf(req.lockdownId)).invites_paused_until?.getTime()).toBe(renewed);

    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    expect(guild().incidentsData).toBeNull();
    clock.offset += 23 * HOUR;
    expect(await renewInvitePauses(deps)).toEqual([]);
  });
  it("waits for the guild's previous lockdown to be lifted before starting another", async () => {
    const { deps } = harness();
    const first = request();
    await startLockdown(deps, first);
    clock.offset += MINUTE;
    const second = request();
    await expect(startLockdown(deps, second)).rejects.toThrow(/still in force/);
    await onLockdownLifted(deps, detectorLift(first.lockdownId));
    await startLockdown(deps, second);
    const prior = (await rowOf(second.lockdownId)).prior_state as { verificationLevel: number };
    expect(prior.verificationLevel).toBe(1);
    expect(guild().verificationLevel).toBe(3);
  });

  it('starts nothing for a request that arrives after its lockdown was lifted', async () => {
    const { deps, alerts } = harness();
    const req = request();
    await onLockdownLifted(deps, detectorLift(req.lockdownId));
    await startLockdown(deps, req);
    expect(sandbox.inspect.actions()).toEqual([]);
    expect(alerts).toEqual([]);
    expect((await rowOf(req.lockdownId)).status).toBe('lifted');
  });
});
