import { checkMessage, compileFilter, type MessageToCheck, spamRecordOf } from '@chat-guard/content-filter';
import { defaultGuildConfig, type GuildConfig, type ViolationType } from '@chat-guard/events';
import { describe, expect, it } from 'vitest';

const AUTHOR = '400000000000000001';
const CHANNEL = '200000000000000001';
const ROLE = '300000000000000001';

function message(content: string, overrides: Partial<MessageToCheck> = {}): MessageToCheck {
  return {
    guildId: '100000000000000001',
    channelId: CHANNEL,
    messageId: '500000000000000001',
    authorId: AUTHOR,
    content,
    mentionUserIds: [],
    mentionRoleIds: [],
    mentionsEveryone: false,
    memberRoleIds: [ROLE],
    memberPermissions: '0',
    ...overrides,
  };
}

const allOn: GuildConfig = {
  ...defaultGuildConfig(),
  linkGuard: true,
  characterLimit: true,
  maxMessageLength: 60,
};
const spam = {
  recent: [1, 2, 3, 4].map((s) => spamRecordOf(`m${s}`, s * 1000)),
  incoming: spamRecordOf('x', 4500),
};
/** A message that breaks all six rules at once. */
const everything = message(
  'fuck this, join discord.gg/abc123 and see https://evil.com @everyone, hurry up!!!',
  {
    mentionUserIds: ['600000000000000001', '600000000000000002', '600000000000000003'],
    mentionRoleIds: ['700000000000000001', '700000000000000002', '700000000000000003'],
    mentionsEveryone: true,
  },
);
const types = (config: GuildConfig, msg = everything) =>
  checkMessage(msg, { config, allowedInviteCodes: new Set(), spam }).map((v) => v.type);

const switches = [
  ['spamGuard', 'spam'],
  ['badWordGuard', 'bad_word'],
  ['inviteGuard', 'invite'],
  ['linkGuard', 'link'],
  ['massPingGuard', 'mass_mention'],
  ['characterLimit', 'character_limit'],
] as const satisfies readonly (readonly [keyof GuildConfig, ViolationType])[];

describe('checkMessage', () => {
  it('reports every violation a message has, not only the first', () => {
    expect(types(allOn)).toEqual(['spam', 'bad_word', 'invite', 'link', 'mass_mention', 'character_limit']);
  });

  it.each(switches)('turning %s off skips only its own guard', (key, type) => {
    const expected = switches.map(([, t]) => t).filter((t) => t !== type);
    expect(types({ ...allOn, [key]: false })).toEqual(expected);
  });

  it.each(switches)('turning on only %s runs only its own guard', (key, type) => {
    const onlyOne = { ...allOn, ...Object.fromEntries(switches.map(([k]) => [k, k === key])) };
    expect(types(onlyOne)).toEqual([type]);
  });

  it('reports an invite as a link when the invite guard is off, and only as an invite when it is on', () => {
    const invite = message('discord.gg/abc123');
    expect(types(allOn, invite)).toEqual(['spam', 'invite']);
    expect(types({ ...allOn, inviteGuard: false }, invite)).toEqual(['spam', 'link']);
  });

  it('reports a link to a look-alike of discord.gg only as an invite while the invite guard is on', () => {
    const lookalike = message('https://\u0501iscord.gg/abc123');
    expect(types(allOn, lookalike)).toEqual(['spam', 'invite']);
    expect(types({ ...allOn, inviteGuard: false }, lookalike)).toEqual(['spam', 'link']);
  });

  it('reads allowed domains written as links or wildcards as the domain itself', () => {
    const config = { ...allOn, allowedDomains: ['https://example.com/docs', '*.github.io'] };
    expect(types(config, message('see example.com/a and https://me.github.io'))).toEqual(['spam']);
    expect(types(config, message('see example.org'))).toEqual(['spam', 'link']);
  });

  it('allows the guild its own invites', () => {
    const own = checkMessage(message('discord.gg/abc123'), {
      config: allOn,
      allowedInviteCodes: new Set(['abc123']),
    });
    expect(own).toEqual([]);
  });

  it.each([
    ['member', { whiteListMembers: [AUTHOR] }],
    ['role', { whiteListRoles: [ROLE] }],
    ['channel', { whiteListChannels: [CHANNEL] }],
  ])('exempts a whitelisted %s entirely', (_what, whitelist) => {
    expect(types({ ...allOn, ...whitelist })).toEqual([]);
  });

  it('flags @everyone in the text of a member without the permission even when the gateway did not count it', () => {
    const msg = message('hey @everyone', { mentionsEveryone: false });
    expect(types(allOn, msg)).toEqual(['spam', 'mass_mention']);
    expect(types(allOn, { ...msg, memberPermissions: String(1n << 17n) })).toEqual(['spam']);
  });

  it('does not judge spam without a spam window (an edited message)', () => {
    const edit = checkMessage(message('hello'), { config: allOn, allowedInviteCodes: new Set() });
    expect(edit).toEqual([]);
  });

  it('says what matched in a short detail without echoing the message', () => {
    const long = `${'spam text '.repeat(50)} discord.gg/${'a'.repeat(32)}`;
    const violations = checkMessage(message(long), { config: allOn, allowedInviteCodes: new Set() });
    expect(violations.find((v) => v.type === 'invite')?.detail).toMatch(
      /^invite to another server: "discord\.gg\/a+…?"$/,
    );
    for (const v of violations) expect(v.detail.length).toBeLessThanOrEqual(200);
    expect(violations.find((v) => v.type === 'character_limit')?.detail).toBe(
      `${[...long].length} characters (Unicode code points), limit 60`,
    );
  });

  it('compiles a config once and a new config object again', () => {
    expect(compileFilter(allOn)).toBe(compileFilter(allOn));
    expect(compileFilter({ ...allOn })).not.toBe(compileFilter(allOn));
  });

  it('takes a changed config into account on the next message', () => {
    const msg = message('you noob');
    expect(types(allOn, msg)).toEqual(['spam']);
    expect(types({ ...allOn, filteredWords: ['noob'] }, msg)).toEqual(['spam', 'bad_word']);
  });
});
