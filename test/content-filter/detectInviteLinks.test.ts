import { detectInviteLinks, isInviteUrl } from '@chat-guard/content-filter';
import { describe, expect, it } from 'vitest';

const own = new Set(['OwnCode', 'myvanity']);
const codes = (content: string) => detectInviteLinks(content, own).map((invite) => invite.code);

describe('detectInviteLinks', () => {
  it.each([
    ['a bare discord.gg link', 'join discord.gg/abc123 now', 'abc123'],
    ['a scheme and www', 'https://www.discord.gg/abc123', 'abc123'],
    ['discord.com/invite', 'https://discord.com/invite/Xy7z', 'Xy7z'],
    ['discordapp.com/invite', 'discordapp.com/invite/q1w2', 'q1w2'],
    ['the canary host', 'https://canary.discord.com/invite/q1w2', 'q1w2'],
    ['a markdown link', '[free stuff](https://discord.gg/zzz9)', 'zzz9'],
    ['an embed-suppressed link', '<https://discord.gg/zzz9>', 'zzz9'],
    ['spaces around the dot and the slash', 'discord . gg / abc123', 'abc123'],
    ['a defanged dot', 'discord[.]gg/abc123', 'abc123'],
    ['a spelled-out dot', 'discord dot gg/abc123', 'abc123'],
    ['a markdown-escaped dot', 'discord\\.gg/abc123', 'abc123'],
    ['a fullwidth dot and slash', 'discord．gg／abc123', 'abc123'],
    ['an ideographic full stop', 'discord。gg/abc123', 'abc123'],
    ['Cyrillic look-alikes', 'ԁіѕсоrd.gg/abc123', 'abc123'],
    ['a zero-width space inside', 'disc\u200bord.gg/abc123', 'abc123'],
    ['a URL-encoded code', 'https://discord.gg/%61bc123', 'abc123'],
    ['every letter spaced out', 'd i s c o r d . g g / a b c 1 2 3', 'abc123'],
    ['a redirecting short link (dsc.gg)', 'dsc.gg/coolserver', 'coolserver'],
    ['negative squared letters', '🅳🅸🆂🅲🅾🆁🅳.gg/abc123', 'abc123'],
    ['negative circled letters', '🅓🅘🅢🅒🅞🅡🅓.gg/abc123', 'abc123'],
    ['regional-indicator letters', '🇩\u200b🇮\u200b🇸\u200b🇨\u200b🇴\u200b🇷\u200b🇩.gg/abc123', 'abc123'],
    ['enclosed letters in the code too', 'discord.gg/🅰🅱🅲123', 'ABC123'],
    ['reversed text behind a right-to-left override', 'join \u202e321cba/gg.drocsid', 'abc123'],
    ['reversed text in a right-to-left isolate', '\u2067321cba/gg.drocsid\u2069', 'abc123'],
  ])('finds an invite written with %s', (_how, content, code) => {
    expect(codes(content)).toContain(code);
  });

  it.each([
    ["the guild's own code", 'come back: discord.gg/OwnCode'],
    ["the guild's vanity code in another case", 'https://discord.gg/MyVanity'],
    ['a mention of Discord that is not a link', 'I like discord. Go team'],
    ['another site on a look-alike domain', 'https://notdiscord.gg/abc123'],
    ['a link to a Discord channel', 'https://discord.com/channels/1/2'],
    ['reversed text without a right-to-left control', 'gg.drocsid is how it reads backwards'],
  ])('finds nothing in %s', (_how, content) => {
    expect(codes(content)).toEqual([]);
  });

  it('reports each foreign invite once, even when the guild also links its own', () => {
    expect(codes('discord.gg/OwnCode discord.gg/other1 and again discord.gg/other1')).toEqual(['other1']);
  });

  it.each([
    ['discord dot gg/abc123', 'discord.gg'],
    ['d i s c o r d dot g g / abc123', 'discord.gg'],
    ['CANARY . DISCORD . COM / invite / abc123', 'canary.discord.com'],
  ])('names the host of "%s" as %s', (content, host) => {
    expect(detectInviteLinks(content, own)).toEqual([{ host, code: 'abc123' }]);
  });

  it('reports a spaced-out invite without re-reporting the plain one it glues words onto', () => {
    expect(codes('discord.gg/abc123 hello')).toEqual(['abc123']);
  });

  it.each([
    ['discord.gg', '/abc', true],
    ['www.discord.gg', '/abc', true],
    ['discord.com', '/invite/abc', true],
    ['ptb.discordapp.com', '/invite/abc', true],
    ['discord.com', '/channels/1/2', false],
    ['discord.gg', '/', false],
    ['example.com', '/invite/abc', false],
  ])('knows whether %s%s is an invite URL', (host, path, expected) => {
    expect(isInviteUrl(host, path)).toBe(expected);
  });
});
