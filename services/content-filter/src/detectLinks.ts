import { deobfuscateUrls } from './deobfuscateUrls.ts';
import { foldLikeBrowser } from './normalizeText.ts';
import { BARE_DOMAIN_TLDS } from './topLevelDomains.ts';

/** A link found in a message. */
export interface Link {
  /** The host, lower case (punycode for international names). */
  readonly host: string;
  readonly path: string;
}

const SCHEME_URL = /\bhttps?:\/\/[^\s<>"'`)\]|]+/giu;
/** Labels may be international ("пример.com"); the TLD must be one of `BARE_DOMAIN_TLDS`. */
const BARE_DOMAIN =
  /(?<![\p{L}\p{N}_@.-])((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+([a-z]{2,24}))(?![\p{L}\p{N}_-])((?::\d{1,5})?[/?#][^\s<>"'`)\]|]*)?/giu;

function parse(url: string): Link | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.hostname === '') return undefined;
  return { host: parsed.hostname.replace(/\.$/, ''), path: parsed.pathname };
}

/** Every http(s) URL and bare domain with a known TLD in the content, after undoing obfuscation; hosts as a browser would resolve them (punycode). */
export function findLinks(content: string): Link[] {
  const text = deobfuscateUrls(foldLikeBrowser(content));
  if (!text.includes('.')) return [];
  const links: Link[] = [];
  for (const match of text.matchAll(SCHEME_URL)) {
    const link = parse(match[0]);
    if (link) links.push(link);
  }
  const rest = text.replace(SCHEME_URL, ' ');
  for (const match of rest.matchAll(BARE_DOMAIN)) {
    const tld = match[2]?.toLowerCase() ?? '';
    if (!BARE_DOMAIN_TLDS.has(tld)) continue;
    const link = parse(`http://${match[0]}`);
    if (link) links.push(link);
  }
  return links;
}

/** Allowed domains as bare host names: "https://Example.com/x" and "*.example.com" mean example.com. */
export function normalizeAllowedDomains(domains: readonly string[]): string[] {
  return domains
    .map((domain) =>
      domain
        .trim()
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/^\*\./, ''),
    )
    .map((domain) => parse(`http://${domain}`)?.host ?? domain)
    .filter((domain) => domain !== '');
}

/** Whether the host is an allowed domain or a subdomain of one (`cdn.example.com` under `example.com`). */
export function isAllowedHost(host: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * Links to hosts outside the allowed domains. `skip` leaves out links another guard judges
 * (Discord invites, when the invite guard is on).
 */
export function detectLinks(
  content: string,
  allowedDomains: readonly string[],
  skip: (link: Link) => boolean = () => false,
): Link[] {
  return findLinks(content).filter((link) => !isAllowedHost(link.host, allowedDomains) && !skip(link));
}
