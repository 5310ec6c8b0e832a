import type { BadWord, WordMatcher } from './badWordMatchers.ts';
import { foldLookalikes, squashObfuscation } from './normalizeText.ts';

/** "!" and "|" ending a word are punctuation, not the leetspeak "i" they would otherwise be read as. */
const TRAILING_LEET = /(?<=[a-z0-9])[!|]+(?![a-z0-9])/giu;

/** Discord markup whose ids would read as leetspeak (mentions, channels, timestamps); custom emoji keep their name. */
const DISCORD_MARKUP = /<(?:@[!&]?\d+|#\d+|t:-?\d+(?::[a-z])?|a?:(\w+):\d+)>/giu;
/**
 * A token of two digits or more alone is a number ("455 points", "room 7175"), not leetspeak for a
 * word ("a55"); a lone digit may be a letter spread out ("N 1 T R O").
 */
const NUMBER = /(?<![\p{L}\p{N}$@!|])\d[\d.,:]*\d(?![\p{L}\p{N}$@!|])/gu;

/** The text a reader would read as words: markup and plain numbers blanked, trailing "!" as punctuation. */
function wordsOf(content: string): string {
  return foldLookalikes(content)
    .replace(DISCORD_MARKUP, (_markup, emojiName?: string) => ` ${emojiName ?? ''} `)
    .replace(NUMBER, ' ')
    .replace(TRAILING_LEET, ' ');
}

/**
 * Blocked words in the content, from the default list and the guild's filtered words: case,
 * leetspeak, repeated letters, look-alike and zero-width characters, and letters spread out with
 * spaces or punctuation ("f u c k", "sh.it") all still match; innocent words that contain a blocked
 * one ("Scunthorpe", "assassin", "cockpit"), numbers and user ids ("455") do not.
 */
export function detectBadWords(content: string, matcher: WordMatcher): BadWord[] {
  const folded = wordsOf(content);
  const squashed = squashObfuscation(folded);
  // One matcher pass over both readings: a pass costs far more per call than per character.
  return matcher.findWords(squashed === folded ? folded : `${folded}\n${squashed}`);
}
