import { domainToUnicode } from 'node:url';
import { deobfuscateUrls } from './deobfuscateUrls.ts';
import { foldLookalikes } from './normalizeText.ts';

/** An invite link found in a message. */
export interface InviteLink {
  /** The invite's host as written, folded to lower case (e.g. `discord.gg`). */
  readonly host: string;
  readonly code: string;
}

/**
 * Hosts whose links are Discord invites. Discord's own (`discord.gg`, and `/invite/` on
 * `discord.com`, `discordapp.com` and their ptb/canary hosts), plus `dsc.gg`, `discord.me` and
 * `invite.gg`: third-party short links that exist only to redirect to a Discord invite, so
 * blocking Discord's domains alone would be bypassed by them.
 */
const SHORT_HOSTS = ['discord.gg', 'dsc.gg', 'discord.me', 'invite.gg'] as const;
const INVITE_PATH_HOSTS = /^(?:(?:www|ptb|canary)\.)?discord(?:app)?\.com$/;

/** Whether a parsed URL (host in lower case, path) is an invite link the invite guard judges. */
export function isInviteUrl(host: string, path: string): boolean {
  // A look-alike of an invite host ("ԁiscord.gg", punycode in a URL) is the invite guard's too.
  const readable = host.includes('xn--') ? foldLookalikes(domainToUnicode(host)).toLowerCase() : host;
  const bare = readable.startsWith('www.') ? readable.slice(4) : readable;
  if ((SHORT_HOSTS as readonly string[]).includes(bare)) return /^\/[\w-]/.test(path);
  return INVITE_PATH_HOSTS.test(readable) && /^\/invites?\/[\w-]/i.test(path);
}

const CODE = '([a-z0-9-]{2,32})';

/** `dot` and `slash` say how the separators may be written, e.g. with spaces around them ("discord . gg"). */
function invitePattern(dot: string, slash: string, leftBoundary: string): RegExp {
  const shortHosts = `(discord${dot}gg|dsc${dot}gg|discord${dot}me|invite${dot}gg)${slash}`;
  const pathHosts = `((?:ptb${dot}|canary${dot})?discord(?:app)?${dot}com)${slash}invites?${slash}`;
  return new RegExp(`${leftBoundary}(?:${shortHosts}|${pathHosts})${CODE}`, 'giu');
}

const SPACED = invitePattern(String.raw`(?:\s*\.\s*|\s+dot\s+)`, String.raw`\s*/\s*`, '(?<![a-z0-9-])');
/** On text with every space removed ("d i s c o r d . g g / x"), no left boundary survives. */
const COMPACT = invitePattern(String.raw`(?:\.|dot)`, '/', '');

function findInvites(text: string, pattern: RegExp): InviteLink[] {
  const found: InviteLink[] = [];
  for (const match of text.matchAll(pattern)) {
    const written = match[1] ?? match[2] ?? '';
    // No invite host contains "dot", so every "dot" in one is a spelled-out ".".
    const host = written
      .toLowerCase()
      .replace(/\s+/g, '')
      .replace(/\.?dot\.?/g, '.');
    const code = match[3];
    if (code !== undefined) found.push({ host, code });
  }
  return found;
}

/** Bidi controls and marks that make text run right to left. */
const RIGHT_TO_LEFT = /[\u202b\u202e\u2067\u200f\u061c]/u;

function invitesIn(text: string): InviteLink[] {
  if (!/d\s*i\s*s\s*c|d\s*s\s*c|i\s*n\s*v\s*i\s*t\s*e/.test(text.toLowerCase())) return [];
  const spaced = findInvites(text, SPACED);
  const compact = /\s/.test(text) ? findInvites(text.replace(/\s+/g, ''), COMPACT) : [];
  // Squeezing spaces out glues the next word onto a code the spaced reading already found.
  const hidden = compact.filter((c) => !spaced.some((s) => c.code.startsWith(s.code)));
  return [...spaced, ...hidden];
}

/**
 * Every Discord invite link in the content whose code is not one of the guild's own, in any form:
 * with or without scheme or `www.`, in markdown links, URL-encoded, defanged (`discord[.]gg`),
 * with look-alike, fullwidth or enclosed characters (🅳🅸🆂🅲🅾🆁🅳), zero-width characters or spaces
 * inside, or reversed behind a right-to-left override.
 */
export function detectInviteLinks(content: string, allowedCodes: ReadonlySet<string>): InviteLink[] {
  const text = deobfuscateUrls(foldLookalikes(content));
  // A right-to-left override shows the characters after it in reverse: "\u202Ezyx/gg.drocsid"
  // reads "discord.gg/xyz". Read the reversed text too.
  const readings = RIGHT_TO_LEFT.test(content) ? [text, [...text].reverse().join('')] : [text];
  const found = readings.flatMap(invitesIn);
  // Codes compare ignoring case: vanity codes are typed in any case, and nobody picks a random code.
  const allowed = new Set([...allowedCodes].map((code) => code.toLowerCase()));
  const seen = new Set<string>();
  return found.filter((invite) => {
    const key = invite.code.toLowerCase();
    if (allowed.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
