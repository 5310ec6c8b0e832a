/** "[.]", "(.)", "{.}", "[dot]", "(dot)": the ways people defang a dot so a filter misses it. */
const BRACKETED_DOT = /\s*[[({]\s*(?:\.|dot)\s*[\])}]\s*/giu;
/** Markdown escapes ("discord\.gg") render without the backslash. */
const MARKDOWN_ESCAPE = /\\(?=[^\s\w])/gu;
/** Percent-encoded printable ASCII ("%2E", "%61"). */
const PERCENT_ASCII = /%([2-7][0-9a-f])/giu;

/**
 * Folded text with the URLs in it as a browser would follow them: defanged dots restored,
 * markdown escapes and percent-encoding of ASCII undone.
 */
export function deobfuscateUrls(folded: string): string {
  if (!/[[({\\%]/.test(folded)) return folded;
  return folded
    .replace(BRACKETED_DOT, '.')
    .replace(MARKDOWN_ESCAPE, '')
    .replace(PERCENT_ASCII, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
