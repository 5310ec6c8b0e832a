import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { snapshotPriorState } from '../../services/enforcer/src/lockdownPlan.ts';
import { parsePriorState, UnreadablePriorStateError } from '../../services/enforcer/src/priorStateRow.ts';

const GUILD = '1100000000000000001';
const snapshot = snapshotPriorState(
  GUILD,
  { verificationLevel: 1, invitesDisabledUntil: null, dmsDisabledUntil: null } as never,
  [
    {
      id: '1100000000000000100',
      type: ChannelType.GuildText,
      name: 'general',
      rateLimitPerUser: 0,
      overwrites: [{ id: GUILD, type: 0, allow: '0', deny: '2048' }],
    },
  ],
  { joinsLastMinute: 40, topInvite: { code: 'raid', share: 0.8 } },
);

describe('the prior state stored on a lockdown row', () => {
  it('reads back what a lockdown stored, through JSON as PostgreSQL returns it', () => {
    expect(parsePriorState('L1', JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });

  it('reads none as none, and an older snapshot without DM pauses as nothing to restore there', () => {
    expect(parsePriorState('L1', null)).toBeNull();
    const { dmsDisabledUntil: _dropped, ...older } = snapshot;
    expect(parsePriorState('L1', older)).toEqual({ ...snapshot, dmsDisabledUntil: null });
  });

  it.each([
    ['a string where the level goes', { ...snapshot, verificationLevel: 'high' }, /verificationLevel/],
    ['channels missing', { ...snapshot, channels: undefined }, /channels/],
    [
      'an overwrite without deny',
      { ...snapshot, channels: [{ ...snapshot.channels[0], everyone: { allow: '0' } }] },
      /deny/,
    ],
  ])('is an error naming the lockdown, never a guess, with %s', (_what, stored, issue) => {
    expect(() => parsePriorState('L1', stored)).toThrow(UnreadablePriorStateError);
    expect(() => parsePriorState('L1', stored)).toThrow(issue);
    expect(() => parsePriorState('L1', stored)).toThrow(/lockdown L1/);
  });
});
