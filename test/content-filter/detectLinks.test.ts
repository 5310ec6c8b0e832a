import { detectLinks, findLinks, isAllowedHost } from '@chat-guard/content-filter';
import { describe, expect, it } from 'vitest';

const hosts = (content: string, allowed: readonly string[] = []) =>
  detectLinks(content, allowed).map((link) => link.host);

describe('detectLinks', () => {
  it.each([
    ['an https URL', 'see https://evil.com/x', 'evil.com'],
    ['an http URL with a port', 'http://evil.com:8080/x', 'evil.com'],
    ['a bare domain', 'go to evil.com', 'evil.com'],
    ['a bare domain with a path', 'evil.xyz/free-nitro', 'evil.xyz'],
    ['a bare subdomain', 'cdn.evil.co.uk/a.png', 'cdn.evil.co.uk'],
    ['a markdown link', '[totally safe](https://evil.com/x)', 'evil.com'],
    ['user info before the real host', 'https://google.com@evil.com/', 'evil.com'],
    ['a defanged dot', 'evil[.]com', 'evil.com'],
    ['fullwidth characters', 'ｅｖｉｌ．ｃｏｍ', 'evil.com'],
    ['upper case', 'HTTPS://EVIL.COM', 'evil.com'],
  ])('finds %s', (_how, content, host) => {
    expect(hosts(content)).toContain(host);
  });

  it.each([
    ['a file name with a code extension', 'see README.md and main.py'],
    ['a version number', 'upgrade to v1.2.3'],
    ['abbreviations', 'e.g. this, i.e. that'],
    ['an e-mail address', 'write to a@b.com'],
    ['a sentence ending without a space', 'done.Next'],
  ])('finds nothing in %s', (_how, content) => {
    expect(findLinks(content)).toEqual([]);
  });

  it('allows an allowed domain and its subdomains but not look-alike hosts', () => {
    const allowed = ['example.com'];
    expect(hosts('https://example.com/a www.example.com cdn.example.com/x', allowed)).toEqual([]);
    expect(hosts('https://notexample.com https://example.com.evil.io', allowed)).toEqual([
      'notexample.com',
      'example.com.evil.io',
    ]);
  });

  it('treats a look-alike of an allowed domain as the other domain it is', () => {
    const cyrillicE = '\u0435';
    expect(hosts(`https://${cyrillicE}xample.com/login and ${cyrillicE}xample.com`, ['example.com'])).toEqual(
      ['xn--xample-2of.com', 'xn--xample-2of.com'],
    );
  });

  it('finds a bare international domain by its punycode host', () => {
    expect(hosts('пример.com')).toEqual(['xn--e1afmkfd.com']);
  });

  it('leaves out the links the caller skips', () => {
    expect(
      detectLinks('evil.com good.org', [], (link) => link.host === 'evil.com').map((l) => l.host),
    ).toEqual(['good.org']);
  });

  it.each([
    ['example.com', 'example.com', true],
    ['a.b.example.com', 'example.com', true],
    ['badexample.com', 'example.com', false],
    ['example.com', 'a.example.com', false],
  ])('treats %s under allowed %s as %s', (host, domain, expected) => {
    expect(isAllowedHost(host, [domain])).toBe(expected);
  });
});
