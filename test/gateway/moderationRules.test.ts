import { mayAppeal, parseCaseRef, parseDecisionId } from '@chat-guard/enforcer/cases';
import { describe, expect, it } from 'vitest';
import {
  type Hierarchy,
  hierarchyRefusal,
  type MemberAction,
} from '../../services/gateway/src/commands/checkHierarchy.ts';
import { pickPurge } from '../../services/gateway/src/commands/moderationCommand.ts';
import { describeDuration, parseDuration } from '../../services/gateway/src/commands/parseDuration.ts';

const standing = (userId: string, topRolePosition: number, isAdministrator = false) => ({
  userId,
  topRolePosition,
  isAdministrator,
});
const hierarchy = (target: ReturnType<typeof standing> | null, caller = standing('2', 5)): Hierarchy => ({
  ownerId: '1',
  bot: standing('9', 4),
  caller,
  target,
});

describe('the role hierarchy', () => {
  it.each<[string, MemberAction, string, Hierarchy, string | null]>([
    ['a member below both', 'kick', '3', hierarchy(standing('3', 1)), null],
    ['yourself', 'warn', '2', hierarchy(standing('2', 5)), 'You cannot warn yourself.'],
    ['the bot', 'ban', '9', hierarchy(standing('9', 4)), 'I will not ban myself.'],
    ['the owner', 'kick', '1', hierarchy(standing('1', 0)), 'Nobody can act on the server owner.'],
    [
      'a member at your rank',
      'warn',
      '3',
      hierarchy(standing('3', 5)),
      'You cannot act on a member whose top role is at or above yours.',
    ],
    [
      'a member above you',
      'timeout',
      '3',
      hierarchy(standing('3', 6)),
      'You cannot act on a member whose top role is at or above yours.',
    ],
    [
      'a member above the bot, by the owner',
      'ban',
      '3',
      hierarchy(standing('3', 4), standing('1', 0)),
      'I cannot ban <@3>: their top role is at or above mine. Move my role above theirs first.',
    ],
    ['a member above the bot, only warned', 'warn', '3', hierarchy(standing('3', 4)), null],
    [
      'an administrator, timed out',
      'timeout',
      '3',
      hierarchy(standing('3', 1, true)),
      'Discord does not let anyone time out a member with Administrator.',
    ],
    ['an administrator, banned', 'ban', '3', hierarchy(standing('3', 1, true)), null],
    ['a user who is not a member, banned', 'ban', '3', hierarchy(null), null],
    [
      'a user who is not a member, kicked',
      'kick',
      '3',
      hierarchy(null),
      '<@3> is not a member of this server.',
    ],
    ['anyone, noted', 'note', '3', hierarchy(standing('3', 9)), null],
  ])('%s', (_what, action, target, h, expected) => {
    expect(hierarchyRefusal(action, target, h)).toBe(expected);
  });
});

describe('durations', () => {
  it.each<[string, number | null]>([
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d12h', 129_600_000],
    ['1w', 604_800_000],
    ['90', 5_400_000],
    [' 3 H ', 10_800_000],
    ['ten minutes', null],
    ['5x', null],
    ['', null],
  ])('"%s" is %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads back in words', () => {
    expect(describeDuration(129_600_000)).toBe('1 day 12 hours');
    expect(describeDuration(60_000)).toBe('1 minute');
  });
});

describe('what /purge picks', () => {
  const now = Date.UTC(2026, 0, 20);
  const message = (id: string, authorId: string, ageDays: number, pinned = false) => ({
    id,
    authorId,
    createdAt: now - ageDays * 86_400_000,
    pinned,
  });
  const pages = [
    [
      message('9', 'a', 0),
      message('8', 'b', 1),
      message('7', 'a', 2, true),
      message('6', 'a', 3),
      message('5', 'a', 15),
    ],
  ];

  it('takes the newest messages, of one member when asked, skipping pinned ones', () => {
    expect(pickPurge(pages, { count: 2, userId: null, nowMs: now })).toEqual({
      ids: ['9', '8'],
      tooOld: false,
    });
    expect(pickPurge(pages, { count: 5, userId: 'a', nowMs: now })).toEqual({
      ids: ['9', '6'],
      tooOld: true,
    });
  });
});

describe('appeal rules and ids', () => {
  const settings = { appealChannelId: '5', appealCooldownHours: 24 };
  const banned = { number: 4, userId: '7', action: 'ban' };
  const hour = 3_600_000;
  it.each<[string, Parameters<typeof mayAppeal>, RegExp | null]>([
    ['a first appeal', [banned, '7', [], settings, 0], null],
    ['someone else’s case', [banned, '8', [], settings, 0], /no such case of yours/],
    ['a warning', [{ ...banned, action: 'warn' }, '7', [], settings, 0], /Only timeouts, kicks and bans/],
    [
      'a guild without appeals',
      [banned, '7', [], { ...settings, appealChannelId: null }, 0],
      /does not take appeals/,
    ],
    [
      'an appeal still open',
      [
        banned,
        '7',
        [{ caseNumber: 4, status: 'open', submittedAt: 0, decidedAt: null }],
        settings,
        48 * hour,
      ],
      /waiting for the moderators/,
    ],
    [
      'an accepted case',
      [
        banned,
        '7',
        [{ caseNumber: 4, status: 'accepted', submittedAt: 0, decidedAt: hour }],
        settings,
        48 * hour,
      ],
      /was accepted on <t:3600:f>/,
    ],
    [
      'a denied case within the cool-down',
      [
        banned,
        '7',
        [{ caseNumber: 4, status: 'denied', submittedAt: 0, decidedAt: hour }],
        settings,
        2 * hour,
      ],
      /denied\. You can appeal again <t:86400:R>/,
    ],
    [
      'a denied case after the cool-down',
      [
        banned,
        '7',
        [{ caseNumber: 4, status: 'denied', submittedAt: 0, decidedAt: hour }],
        settings,
        25 * hour,
      ],
      null,
    ],
    [
      'another case within the cool-down',
      [
        banned,
        '7',
        [{ caseNumber: 3, status: 'denied', submittedAt: 0, decidedAt: hour }],
        settings,
        2 * hour,
      ],
      /You can appeal again/,
    ],
  ])('%s', (_what, args, refused) => {
    const verdict = mayAppeal(...args);
    if (refused === null) expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(refused) });
  });

  it('reads only the ids it makes', () => {
    expect(parseCaseRef('appeal:1100000000000000001:12', 'appeal:')).toEqual({
      guildId: '1100000000000000001',
      caseNumber: 12,
    });
    for (const forged of ['appeal:abc:1', 'appeal:1:0', 'appeal:1:1:2', 'appeal-form:1:1', 'appeal:1:-1'])
      expect(parseCaseRef(forged, 'appeal:'), forged).toBeNull();
    expect(parseDecisionId('appeal-decision:deny:3')).toEqual({ decision: 'deny', caseNumber: 3 });
    expect(parseDecisionId('appeal-decision:maybe:3')).toBeNull();
  });
});
