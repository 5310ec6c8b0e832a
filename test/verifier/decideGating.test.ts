import { gateSettingsSchema } from '@chat-guard/events';
import { describe, expect, it } from 'vitest';
import { decideGating, type Newcomer } from '../../services/verifier/src/decideGating.ts';

const DAY = 86_400_000;
const DISCORD_EPOCH = 1_420_070_400_000;
/** A user id whose snowflake says the account was created at `createdAt`. */
const idCreatedAt = (createdAt: number) => ((BigInt(createdAt - DISCORD_EPOCH) << 22n) + 1n).toString();

const joinedAt = 1_800_000_000_000;
const newcomer = (over: Partial<Newcomer> = {}): Newcomer => ({
  userId: idCreatedAt(joinedAt - 400 * DAY),
  username: 'river',
  globalName: 'River',
  avatar: 'abc',
  joinedAt,
  ...over,
});
const calm = { raidGateActive: false, seenInRaid: false };
const gate = (input: object) => gateSettingsSchema.parse(input);

describe('who the member gate holds', () => {
  it.each([
    ['off', calm, false],
    ['off', { raidGateActive: true, seenInRaid: false }, false],
    ['always', calm, true],
    ['on-alert', calm, false],
    ['on-alert', { raidGateActive: true, seenInRaid: false }, true],
    ['rules', calm, false],
    ['rules', { raidGateActive: true, seenInRaid: false }, false],
  ] as const)('mode %s with %o gates: %s', (mode, context, gated) => {
    expect(decideGating(gate({ mode }), newcomer(), context).gated).toBe(gated);
  });

  it('gates, in rules mode, the accounts each entry check flags, and says which', () => {
    const rules = gate({
      mode: 'rules',
      entryChecks: { minAccountAgeDays: 7, defaultAvatar: true, namePatterns: ['free.?nitro'] },
    });
    expect(decideGating(rules, newcomer({ userId: idCreatedAt(joinedAt - 2 * DAY) }), calm)).toEqual({
      gated: true,
      reasons: ['account-age'],
    });
    expect(decideGating(rules, newcomer({ avatar: null }), calm).reasons).toEqual(['default-avatar']);
    expect(decideGating(rules, newcomer({ globalName: 'FREE NITRO here' }), calm).reasons).toEqual([
      'name-pattern',
    ]);
    expect(decideGating(rules, newcomer(), { raidGateActive: false, seenInRaid: true }).reasons).toEqual([
      'seen-in-raid',
    ]);
    expect(decideGating(rules, newcomer(), calm)).toEqual({ gated: false, reasons: [] });
  });

  it('carries the flags along in the other modes', () => {
    const decision = decideGating(
      gate({ mode: 'on-alert', entryChecks: { defaultAvatar: true } }),
      newcomer({ avatar: null }),
      { raidGateActive: true, seenInRaid: false },
    );
    expect(decision).toEqual({ gated: true, reasons: ['raid-gate', 'default-avatar'] });
  });
});

describe('the gate settings', () => {
  it('default to on-alert, kick after 3 attempts or 30 minutes, flagging 2 accounts per address', () => {
    expect(gate({})).toMatchObject({
      mode: 'on-alert',
      maxAttempts: 3,
      timeoutMinutes: 30,
      failureAction: 'kick',
      altAccountLimit: 2,
      entryChecks: { minAccountAgeDays: 0, defaultAvatar: false, namePatterns: [], seenInRaid: true },
    });
  });

  it.each([
    [{ mode: 'sometimes' }, 'mode'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ timeoutMinutes: 1 }, 'timeoutMinutes'],
    [{ failureAction: 'ban' }, 'failureAction'],
    [{ altAccountLimit: 1 }, 'altAccountLimit'],
    [{ entryChecks: { namePatterns: ['(unclosed'] } }, 'entryChecks.namePatterns.0'],
    [{ passRoleIds: ['not-a-role'] }, 'passRoleIds.0'],
    [{ unknownSetting: true }, ''],
  ])('refuse %o, naming %s', (input, path) => {
    const result = gateSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (path) expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
