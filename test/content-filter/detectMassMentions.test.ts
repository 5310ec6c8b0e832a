import { detectMassMentions, hasPermission, mentionsInContent, Permission } from '@chat-guard/content-filter';
import { describe, expect, it } from 'vitest';

const MENTION_EVERYONE = String(1n << 17n);
const ADMINISTRATOR = String(1n << 3n);
const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(17, '0')}`);
const mentions = (users: number, roles: number, everyone = false, permissions = '0') => ({
  mentionUserIds: ids(users, '1'),
  mentionRoleIds: ids(roles, '2'),
  mentionsEveryone: everyone,
  memberPermissions: permissions,
});

describe('detectMassMentions', () => {
  it.each([
    [5, 0, undefined],
    [6, 0, 6],
    [3, 3, 6],
    [0, 6, 6],
  ])('with %i users and %i roles against a threshold of 5, reports %s', (users, roles, count) => {
    expect(detectMassMentions(mentions(users, roles), 5)?.mentionCount).toBe(count);
  });

  it('counts a user mentioned twice once', () => {
    const same = { ...mentions(0, 0), mentionUserIds: ids(3, '1').concat(ids(3, '1')) };
    expect(detectMassMentions(same, 5)).toBeUndefined();
  });

  it.each([
    ['a member without the permission', '0', true],
    ['a member with Mention Everyone', MENTION_EVERYONE, false],
    ['an administrator', ADMINISTRATOR, false],
  ])('flags @everyone from %s: %s', (_who, permissions, flagged) => {
    expect(detectMassMentions(mentions(0, 0, true, permissions), 5) !== undefined).toBe(flagged);
  });

  it('reads permission bits beyond 2^53 exactly', () => {
    const big = String((1n << 40n) | (1n << 17n));
    expect(hasPermission(big, Permission.MentionEveryone)).toBe(true);
    expect(hasPermission(String(1n << 40n), Permission.MentionEveryone)).toBe(false);
  });

  it('reads mentions from raw content the way Discord parses them', () => {
    const user = '123456789012345678';
    const role = '223456789012345678';
    expect(mentionsInContent(`<@${user}> <@!${user}> <@&${role}> hi @here`)).toEqual({
      mentionUserIds: [user, user],
      mentionRoleIds: [role],
      mentionsEveryone: true,
    });
    expect(mentionsInContent('mail me at someone@everyones.example').mentionsEveryone).toBe(false);
  });
});
