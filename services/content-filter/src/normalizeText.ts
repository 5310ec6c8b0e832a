import { createHash } from 'node:crypto';
import { unconfuse } from './confusables.ts';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const COMBINING_MARKS = /\p{M}/gu;
/** Format characters (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls) and Hangul fillers. */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0]/gu;

let lastInput = '';
let lastFolded = '';

/**
 * The text as a reader sees it, in ASCII where it imitates ASCII: zero-width characters removed,
 * NFKD (fullwidth, mathematical and circled letters to plain ones), accents dropped, Cyrillic and
 * Greek homoglyphs mapped to Latin. Case is kept (invite codes are case-sensitive).
 */
export function foldLookalikes(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  // Every guard folds the same content in turn: remember the last one.
  if (text === lastInput) return lastFolded;
  const folded = unconfuse(
    text.normalize('NFKD').replace(COMBINING_MARKS, '').replace(INVISIBLE, '').normalize('NFC'),
  );
  lastInput = text;
  lastFolded = folded;
  return folded;
}

/** Dots IDNA reads as label separators (UTS #46), as browsers do. */
const IDEOGRAPHIC_DOTS = /[\u3002\uff0e\uff61]/g;

/**
 * The text as a browser reads the host names in it: invisible characters gone, NFKC (fullwidth
 * forms to ASCII), ideographic dots as dots. Look-alike letters stay what they are: Cyrillic
 * "е" in "еxample.com" makes another domain, which must not pass for the allowed one.
 */
export function foldLikeBrowser(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.replace(INVISIBLE, '').normalize('NFKC').replace(IDEOGRAPHIC_DOTS, '.');
}

/** Characters obscenity's leetspeak transformer reads as letters (`$` as s, `@` as a, `!` as i…). */
const LETTERISH = 'a-z0-9@$!|(/';
/** Runs of three or more one-character pieces: "f u c k", "f.u.c.k", "s-h-i-t". */
const SPACED_LETTERS = new RegExp(
  String.raw`(?<![${LETTERISH}])(?:[${LETTERISH}][^${LETTERISH}\n]{1,3}){2,}[${LETTERISH}](?![${LETTERISH}])`,
  'giu',
);
/** Punctuation inside a word: "sh.it", "f_ck", "b-i-tch". */
const INNER_PUNCTUATION = /(?<=[a-z])[._\-*'"`~^,:;+=]+(?=[a-z])/giu;
const NOT_LETTERISH = new RegExp(`[^${LETTERISH}]+`, 'giu');

/**
 * A second reading of folded text for word matching: single letters spread out with spaces or
 * punctuation joined back ("f u c k" to "fuck") and punctuation inside words dropped. Only a
 * matcher runs on it, so joining innocent letters ("a b c") costs nothing.
 */
export function squashObfuscation(folded: string): string {
  return (
    folded
      // A wider gap inside a run ("F R E E   N I T R O") separates words of a phrase.
      .replace(SPACED_LETTERS, (run) =>
        run
          .split(/\s{2,}/)
          .map((word) => word.replace(NOT_LETTERISH, ''))
          .join(' '),
      )
      .replace(INNER_PUNCTUATION, '')
  );
}

/** The content with layout and disguises removed, so copies that differ only in those compare equal. */
export function normalizeForHash(content: string): string {
  return foldLookalikes(content).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** sha256 hex of the normalized content: the spam window's fingerprint of a message. */
export function contentHash(content: string): string {
  return createHash('sha256').update(normalizeForHash(content)).digest('hex');
}

const EXCERPT_MAX = 40;

/** A short, one-line excerpt of matched text for a violation detail; never the whole message. */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}
