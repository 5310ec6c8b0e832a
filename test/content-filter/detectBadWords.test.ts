import { detectBadWords, wordMatcher } from '@chat-guard/content-filter';
import { describe, expect, it } from 'vitest';

const lists = wordMatcher(['noob', 'free nitro', 'c++hater', 'Crème']);
const words = (content: string) => detectBadWords(content, lists).map((found) => found.word);

describe('detectBadWords', () => {
  it.each([
    ['plain', 'what the fuck', 'fuck'],
    ['upper case', 'WHAT THE FUCK', 'fuck'],
    ['letters spread with spaces', 'f u c k you', 'fuck'],
    ['letters spread with dots', 'f.u.c.k', 'fuck'],
    ['letters spread with dashes and underscores', 's-h_i-t happens', 'shit'],
    ['punctuation inside the word', 'sh.it', 'shit'],
    ['leetspeak', 'sh1t and $hit', 'shit'],
    ['repeated letters', 'fuuuuuck', 'fuck'],
    ['a zero-width space inside', 'fu\u200bck', 'fuck'],
    ['a soft hyphen and a word joiner inside', 'sh\u00adi\u2060t', 'shit'],
    ['fullwidth letters', 'ｆｕｃｋ', 'fuck'],
    ['a Cyrillic look-alike', 'fuсk', 'fuck'],
    ['Greek look-alikes', 'ΒΙΤCΗ', 'bitch'],
    ['mathematical bold letters', '𝐟𝐮𝐜𝐤', 'fuck'],
    ['accents', 'fück', 'fuck'],
    ['an exclamation mark after the word', 'bitch!!', 'bitch'],
    ['in leetspeak mixing letters and digits', 'a55hole', 'ass'],
    ['as the name of a custom emoji', 'lol <:fuck:123456789012345678>', 'fuck'],
  ])('flags a default-list word written %s', (_how, content, word) => {
    expect(words(content)).toContain(word);
  });

  it.each([
    'Scunthorpe',
    'an assassin in class',
    'the cockpit of the plane',
    'my therapist likes grapes',
    'a cocktail at the bass concert',
    'cumulative assessment of the analysis',
    'shiitake mushrooms in Sussex',
    'Penistone is a town',
    'a b c d e',
    'hello there, general Kenobi',
    'hi <@455123456789012345> and <@!455123456789012345>',
    'see <#455123456789012345> and <@&455123456789012345>',
    'I scored 455 points in room 7175',
  ])('does not flag the innocent text "%s"', (content) => {
    expect(words(content)).toEqual([]);
  });

  it.each([
    ['the word itself', 'you noob', 'noob'],
    ['upper case and repeated letters', 'NOOOOB', 'noob'],
    ['leetspeak', 'n00b', 'noob'],
    ['spread-out letters', 'n o o b', 'noob'],
    ['a look-alike', 'nооb', 'noob'],
    ['a phrase with extra spaces', 'get free   nitro here', 'free nitro'],
    ['a phrase in capitals with punctuation after', 'FREE NITRO!!', 'free nitro'],
    ['a phrase spread out, words set apart by wider gaps', 'F R E E   N 1 T R O', 'free nitro'],
    ['pattern syntax characters in the word', 'such a c++hater', 'c++hater'],
    ['without the accent the guild wrote it with', 'CREME de la creme', 'Crème'],
  ])('flags a filtered word written as %s', (_how, content, word) => {
    expect(words(content)).toContain(word);
  });

  it('matches filtered words only as whole words', () => {
    expect(words('the noobish snoob')).toEqual([]);
  });

  it('reports which list a word is on', () => {
    expect(detectBadWords('fuck off noob', lists)).toEqual([
      { word: 'fuck', list: 'default' },
      { word: 'noob', list: 'filtered' },
    ]);
  });

  it('ignores a filtered word made only of invisible characters instead of failing the whole list', () => {
    expect(detectBadWords('fuck off noob', wordMatcher(['\u200b\u200d', 'noob'])).map((f) => f.word)).toEqual(
      ['fuck', 'noob'],
    );
  });

  it('checks only the default list for a guild without filtered words', () => {
    expect(detectBadWords('fuck off noob', wordMatcher([]))).toEqual([{ word: 'fuck', list: 'default' }]);
  });
});
