/**
 * Look-alike letters NFKD leaves alone, mapped to the Latin letter they imitate (case kept).
 * The common Cyrillic and Greek homoglyphs plus a few Latin variants; NFKD already folds
 * fullwidth forms, mathematical alphanumerics, ligatures and circled letters.
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  А: 'A',
  в: 'b',
  В: 'B',
  с: 'c',
  С: 'C',
  ԁ: 'd',
  е: 'e',
  Е: 'E',
  ё: 'e',
  һ: 'h',
  Н: 'H',
  і: 'i',
  І: 'I',
  ї: 'i',
  ј: 'j',
  Ј: 'J',
  к: 'k',
  К: 'K',
  м: 'm',
  М: 'M',
  п: 'n',
  о: 'o',
  О: 'O',
  р: 'p',
  Р: 'P',
  ԛ: 'q',
  ѕ: 's',
  Ѕ: 'S',
  т: 't',
  Т: 'T',
  ѵ: 'v',
  ԝ: 'w',
  х: 'x',
  Х: 'X',
  у: 'y',
  У: 'Y',
  // Greek
  α: 'a',
  Α: 'A',
  β: 'b',
  Β: 'B',
  ε: 'e',
  Ε: 'E',
  Ζ: 'Z',
  η: 'n',
  Η: 'H',
  ι: 'i',
  Ι: 'I',
  κ: 'k',
  Κ: 'K',
  Μ: 'M',
  ν: 'v',
  Ν: 'N',
  ο: 'o',
  Ο: 'O',
  ρ: 'p',
  Ρ: 'P',
  τ: 't',
  Τ: 'T',
  υ: 'u',
  Υ: 'Y',
  χ: 'x',
  Χ: 'X',
  // Latin variants and punctuation that stands in for a dot or a slash
  ı: 'i',
  ȷ: 'j',
  ɡ: 'g',
  ɑ: 'a',
  '。': '.',
  '․': '.',
  '∕': '/',
  '⁄': '/',
};

const LOOKALIKE_PATTERN = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'gu');

/**
 * Enclosed capitals NFKD has no decomposition for, each block in A–Z order: negative circled
 * (🅐), negative squared (🅳), and regional indicators (🇩), which read as letters side by side.
 */
const ENCLOSED_BLOCKS = [0x1f150, 0x1f170, 0x1f1e6] as const;
const ENCLOSED_PATTERN = /[\u{1F150}-\u{1F169}\u{1F170}-\u{1F189}\u{1F1E6}-\u{1F1FF}]/gu;

function enclosedLetter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const block = ENCLOSED_BLOCKS.find((start) => code >= start && code < start + 26);
  return block === undefined ? char : String.fromCharCode(0x41 + code - block);
}

/** Replaces every look-alike character the map knows with the ASCII character it imitates. */
export function unconfuse(text: string): string {
  return text
    .replace(LOOKALIKE_PATTERN, (char) => LOOKALIKES[char] ?? char)
    .replace(ENCLOSED_PATTERN, enclosedLetter);
}
