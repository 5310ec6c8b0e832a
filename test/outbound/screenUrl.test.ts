import {
  isUnsafeUrl,
  outboundPolicy,
  refusedAddressReason,
  screenedLookup,
  screenUrl,
  screenUrlNow,
} from '@chat-guard/outbound';
import { describe, expect, it } from 'vitest';

const strict = outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: '' });

function refusal(url: string, policy = strict): string | undefined {
  try {
    screenUrl(url, policy);
    return undefined;
  } catch (err) {
    if (!isUnsafeUrl(err)) throw err;
    return err.reason;
  }
}

describe('screenUrl', () => {
  it.each([
    ['loopback', 'https://127.0.0.1/hook', /loopback/],
    ['loopback elsewhere in 127/8', 'https://127.8.9.10/hook', /loopback/],
    ['loopback written in hex', 'https://0x7f000001/hook', /loopback/],
    ['loopback written as one number', 'https://2130706433/hook', /loopback/],
    ['loopback written in octal', 'https://0177.0.0.1/hook', /loopback/],
    ['loopback shortened', 'https://127.1/hook', /loopback/],
    ['IPv6 loopback', 'https://[::1]/hook', /loopback/],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hook', /loopback/],
    ['IPv4-mapped loopback in hex', 'https://[::ffff:7f00:1]/hook', /loopback/],
    ['6to4 loopback', 'https://[2002:7f00:1::]/hook', /loopback/],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data', /link-local/],
    ['metadata behind NAT64', 'https://[64:ff9b::a9fe:a9fe]/', /link-local/],
    ['private 10/8', 'https://10.0.0.5/hook', /private/],
    ['private 172.16/12', 'https://172.16.0.1/hook', /private/],
    ['private 192.168/16', 'https://192.168.1.1/hook', /private/],
    ['IPv6 link-local', 'https://[fe80::1]/hook', /link-local/],
    ['IPv6 unique-local', 'https://[fd00::1]/hook', /unique-local/],
    ['the unspecified address', 'https://0.0.0.0/hook', /unspecified/],
    ['the IPv6 unspecified address', 'https://[::]/hook', /unspecified/],
    ['localhost by name', 'https://localhost:8080/hook', /loopback/],
    ['plain http', 'http://example.com/hook', /only https/],
    ['another scheme', 'ftp://example.com/hook', /only https/],
    ['a URL over 500 characters', `https://example.com/${'x'.repeat(500)}`, /longer than 500/],
    ['text that is no URL', 'not a url', /not a URL/],
  ])('refuses %s', (_name, url, reason) => {
    expect(refusal(url)).toMatch(reason);
  });

  it.each([
    ['a public host name', 'https://alerts.example.com/hook', strict],
    ['a public IPv4 address', 'https://93.184.216.34/hook', strict],
    ['a public IPv6 address', 'https://[2606:4700:4700::1111]/hook', strict],
    [
      'http when ALLOW_HTTP_WEBHOOKS is set',
      'http://alerts.example.com/hook',
      outboundPolicy({ ALLOW_HTTP_WEBHOOKS: true, WEBHOOK_ALLOW_LIST: '' }),
    ],
    [
      'a private network on the allow-list',
      'https://10.1.2.3/hook',
      outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: '10.0.0.0/8' }),
    ],
    [
      'a host name on the allow-list',
      'https://pager.internal/hook',
      outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: 'pager.internal, 10.9.0.0/16' }),
    ],
  ])('allows %s', (_name, url, policy) => {
    expect(refusal(url, policy)).toBeUndefined();
  });

  it('refuses an allow-list entry with a bad prefix, naming the variable', () => {
    expect(() => outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: '10.0.0.0/40' })).toThrow(
      /WEBHOOK_ALLOW_LIST entry "10.0.0.0\/40"/,
    );
  });
});

describe('refusedAddressReason', () => {
  it.each([
    ['8.8.8.8', undefined],
    ['2001:4860:4860::8888', undefined],
    ['100.64.0.1', /carrier-grade/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:8.8.8.8', undefined],
  ])('%s: %s', (address, reason) => {
    const why = refusedAddressReason(address);
    if (reason === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(reason);
  });
});

describe('name resolution on every call', () => {
  it('refuses a name that resolves to loopback, on the address the connection would use', async () => {
    const lookup = screenedLookup(strict, 'https://localhost');
    const result = await new Promise<unknown>((resolve) => {
      lookup('localhost', { all: false }, (err, address) => resolve(err ?? address));
    });
    expect(isUnsafeUrl(result)).toBe(true);
    expect(String(result)).toMatch(/localhost resolves to 127\.0\.0\.1 is loopback/);
  });

  it('passes the resolved addresses through when they are allowed', async () => {
    const allowLoopback = outboundPolicy({
      ALLOW_HTTP_WEBHOOKS: false,
      WEBHOOK_ALLOW_LIST: '127.0.0.0/8,::1',
    });
    const lookup = screenedLookup(allowLoopback, 'https://localhost');
    const address = await new Promise<unknown>((resolve) => {
      lookup('localhost', { all: false }, (err, found) => resolve(err ?? found));
    });
    expect(address).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('tells a command why a URL is refused after resolving it', async () => {
    await expect(screenUrlNow('https://vm.localhost/hook', strict)).rejects.toThrow(/loopback/);
    await expect(screenUrlNow('https://[::1]/hook', strict)).rejects.toThrow(/loopback/);
  });
});
