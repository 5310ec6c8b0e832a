import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { AllowList, refusedAddressReason } from './screenAddress.ts';

/** The longest webhook URL a guild may set. */
export const WEBHOOK_URL_MAX_LENGTH = 500;

/** What outbound webhook calls may reach. */
export interface OutboundPolicy {
  /** Plain http is refused unless this is set (ALLOW_HTTP_WEBHOOKS). */
  readonly allowHttp: boolean;
  /** On-premises receivers allowed despite the address rules (WEBHOOK_ALLOW_LIST). */
  readonly allowList: AllowList;
}

/** A URL that must not be called, with the reason; no retry changes that. */
export class UnsafeUrlError extends Error {
  readonly retryable = false;
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused to call ${url}: ${reason}`);
    this.name = 'UnsafeUrlError';
  }
}

export function isUnsafeUrl(err: unknown): err is UnsafeUrlError {
  return err instanceof UnsafeUrlError;
}

/** The environment variables every service that calls or checks webhooks reads. */
export const outboundEnvShape = {
  /** Allow plain-http webhooks (for a receiver on a trusted network). */
  ALLOW_HTTP_WEBHOOKS: z.stringbool().default(false),
  /** Comma-separated host names and networks (CIDR) webhooks may reach despite the address rules. */
  WEBHOOK_ALLOW_LIST: z.string().default(''),
};

/** The policy from the parsed `outboundEnvShape` variables. */
export function outboundPolicy(env: {
  ALLOW_HTTP_WEBHOOKS: boolean;
  WEBHOOK_ALLOW_LIST: string;
}): OutboundPolicy {
  return { allowHttp: env.ALLOW_HTTP_WEBHOOKS, allowList: new AllowList(env.WEBHOOK_ALLOW_LIST.split(',')) };
}

/** A URL as it may be shown: scheme, host and port, without credentials, path or query. */
export function displayOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

/**
 * The checks that need no DNS: length, syntax, scheme, and a host written as an address
 * (in any spelling the URL parser reads: `0x7f000001`, `[::1]`, `2130706433`). Throws UnsafeUrlError.
 */
export function screenUrl(url: string, policy: OutboundPolicy): URL {
  const shown = displayOrigin(url);
  if (url.length > WEBHOOK_URL_MAX_LENGTH)
    throw new UnsafeUrlError(shown, `longer than ${WEBHOOK_URL_MAX_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError(shown, 'not a URL');
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp))
    throw new UnsafeUrlError(
      shown,
      policy.allowHttp ? 'only http and https' : 'only https (http needs ALLOW_HTTP_WEBHOOKS)',
    );
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (policy.allowList.allowsHost(host)) return parsed;
  if (isIP(host) !== 0) {
    const why = policy.allowList.allowsAddress(host) ? undefined : refusedAddressReason(host);
    if (why) throw new UnsafeUrlError(shown, why);
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    throw new UnsafeUrlError(shown, `${host} is loopback`);
  }
  return parsed;
}

/** The first address of `addresses` a call must not reach, with why; undefined if all may be. */
function refusedAmong(addresses: readonly LookupAddress[], policy: OutboundPolicy): string | undefined {
  for (const { address } of addresses) {
    if (policy.allowList.allowsAddress(address)) continue;
    const why = refusedAddressReason(address);
    if (why) return why;
  }
  return undefined;
}

/**
 * A DNS lookup for `http.request` that refuses a name resolving to a forbidden address. The
 * connection uses the addresses it checked, so a name that changes its answer between a check
 * and the call (DNS rebinding) is caught on every delivery.
 */
export function screenedLookup(policy: OutboundPolicy, shown: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const why = policy.allowList.allowsHost(hostname) ? undefined : refusedAmong(list, policy);
      if (why) return callback(new UnsafeUrlError(shown, `${hostname} resolves to ${why}`), '', 0);
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Every check, resolving the host now: what a command runs to tell an admin why a URL is refused. */
export async function screenUrlNow(url: string, policy: OutboundPolicy): Promise<URL> {
  const parsed = screenUrl(url, policy);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 || policy.allowList.allowsHost(host)) return parsed;
  const lookup = screenedLookup(policy, displayOrigin(url));
  await new Promise<void>((resolve, reject) => {
    lookup(host, { all: true }, (err) => (err ? reject(err) : resolve()));
  });
  return parsed;
}
