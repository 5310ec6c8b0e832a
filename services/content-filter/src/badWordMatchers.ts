import {
  DataSet,
  englishDataset,
  englishRecommendedTransformers,
  ParserError,
  parseRawPattern,
  RegExpMatcher,
  type TransformerContainer,
} from 'obscenity';
import { foldLookalikes } from './normalizeText.ts';

/** Words obscenity's English list flags inside innocent words (the Scunthorpe problem), beyond its own whitelist. */
const INNOCENT_WORDS = ['cockpit', 'shiitake', 'penistone', 'scunthorpe', 'cockburn', 'hancock', 'peacock'];

/** A blocked word found in a message, and which list it is on. */
export interface BadWord {
  readonly word: string;
  readonly list: 'default' | 'filtered';
}

/** Finds the listed words a text contains, by the word as the list (or the guild) spells it. */
export interface WordMatcher {
  findWords(text: string): BadWord[];
}

interface WordMetadata {
  readonly originalWord: string;
  readonly filtered?: true;
}

/** A guild's filtered word that cannot be turned into a pattern. */
export class InvalidFilteredWordError extends Error {
  readonly word: string;
  constructor(word: string, cause: unknown) {
    super(
      `filtered word "${word}" cannot be matched: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'InvalidFilteredWordError';
    this.word = word;
  }
}

function matcherFrom(dataset: DataSet<WordMetadata>): WordMatcher {
  const built = dataset.build();
  const matcher = new RegExpMatcher({
    blacklistedTerms: built.blacklistedTerms,
    whitelistedTerms: [...(built.whitelistedTerms ?? []), ...INNOCENT_WORDS],
    ...englishRecommendedTransformers,
  });
  return {
    findWords(text) {
      const found = new Map<string, BadWord>();
      for (const match of matcher.getAllMatches(text)) {
        const metadata = dataset.getPayloadWithPhraseMetadata(match).phraseMetadata;
        if (!metadata) continue;
        const list = metadata.filtered ? 'filtered' : 'default';
        found.set(`${list}:${metadata.originalWord}`, { word: metadata.originalWord, list });
      }
      return [...found.values()];
    },
  };
}

const transformers: readonly TransformerContainer[] =
  englishRecommendedTransformers.blacklistMatcherTransformers ?? [];

/** The word as the matcher will see it after folding and its transformers (case, leetspeak, repeated letters). */
function transformLikeInput(word: string): string {
  const chain = transformers.map((t) => {
    if (!('factory' in t)) return t.transform;
    const stateful = t.factory();
    return (code: number) => stateful.transform(code);
  });
  let out = '';
  for (const char of word) {
    let code: number | undefined = char.codePointAt(0);
    for (const transform of chain) {
      if (code === undefined) break;
      code = transform(code);
    }
    if (code !== undefined) out += String.fromCodePoint(code);
  }
  return out;
}

const PATTERN_META = /[\\[\]?|]/g;

let english: WordMatcher | undefined;

/**
 * One matcher for the default English list (obscenity's dataset and transformers) plus a guild's
 * `filteredWords` as whole words with the same robustness. One matcher, so a message costs one
 * pass; the English-only one is shared by every guild without filtered words.
 */
export function wordMatcher(filteredWords: readonly string[]): WordMatcher {
  if (filteredWords.length === 0) {
    english ??= matcherFrom(new DataSet<WordMetadata>().addAll(englishDataset));
    return english;
  }
  const dataset = new DataSet<WordMetadata>().addAll(englishDataset);
  for (const word of new Set(filteredWords)) {
    const visible = transformLikeInput(foldLookalikes(word).replace(/\s+/g, ' ').trim());
    // A word of only invisible characters can match nothing (and obscenity rejects empty patterns).
    if (visible === '') continue;
    const literal = visible.replace(PATTERN_META, '\\$&');
    try {
      const parsed = parseRawPattern(`|${literal}|`);
      dataset.addPhrase((phrase) =>
        phrase.setMetadata({ originalWord: word, filtered: true }).addPattern(parsed),
      );
    } catch (err) {
      if (err instanceof ParserError) throw new InvalidFilteredWordError(word, err);
      throw err;
    }
  }
  return matcherFrom(dataset);
}
