import { randomHandle } from './ids.ts';
import type { Rng } from './rng.ts';

/** The names an account shows: `username` (lowercase a-z, 0-9, `_` and `.`) and an optional display name. */
export interface AccountName {
  readonly username: string;
  readonly globalName: string | null;
}

export type NameStyle = 'plain' | 'digits' | 'real' | 'non-latin' | 'emoji';
export type NameStyleWeights = readonly (readonly [NameStyle, number])[];

const WORDS = [
  'shadow',
  'luna',
  'pixel',
  'frost',
  'nova',
  'echo',
  'mango',
  'kitsune',
  'blaze',
  'wolf',
  'sky',
  'neon',
  'raven',
  'sunny',
  'ghost',
  'cookie',
  'storm',
  'tofu',
  'vortex',
  'maple',
  'cosmic',
  'lucky',
  'hazel',
  'ember',
  'orbit',
  'sage',
  'juniper',
  'mochi',
  'zephyr',
  'onyx',
  'crow',
  'peach',
  'drift',
  'byte',
  'fern',
];
const FIRST = [
  'Emma',
  'Liam',
  'Sofia',
  'Noah',
  'Mia',
  'Lucas',
  'Ava',
  'Mateo',
  'Yuki',
  'Aarav',
  'Fatima',
  'Ivan',
  'Chloe',
  'Diego',
  'Hana',
  'Omar',
  'Lena',
  'Kwame',
  'Priya',
  'Jonas',
  'Zoe',
  'Malik',
  'Ines',
  'Tomasz',
];
const LAST = ['Smith', 'Garcia', 'Müller', 'Kim', 'Nguyen', 'Rossi', 'Silva', 'Kowalski', 'Tanaka', 'Okafor'];
const NON_LATIN = [
  'さくら',
  'ユキ',
  '김민준',
  '하늘',
  'Анна',
  'Дмитрий',
  'محمد',
  'ليلى',
  '小龙',
  '晨曦',
  'Σοφία',
  'राहुल',
  'ไข่มุก',
];
const EMOJI = ['🌙', '✨', '🔥', '🐺', '🍄', '💀', '🌸', '🎮', '⭐', '🦊', '🐸', '💜'];

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function digits(rng: Rng): string {
  return rng.chance(0.3) ? String(rng.int(1990, 2012)) : String(rng.int(0, 999));
}

/** A word or two run together, lowercase: `pixelfox`, `luna`. */
export function wordHandle(rng: Rng): string {
  return rng.chance(0.5)
    ? rng.pick(WORDS)
    : `${rng.pick(WORDS)}${rng.pick(['', '_', '.'])}${rng.pick(WORDS)}`;
}

/** An everyday account's names, in one of the styles real members use. */
export function organicName(rng: Rng, styles: NameStyleWeights): AccountName {
  const style = rng.weighted(styles);
  const display = rng.chance(0.75);
  switch (style) {
    case 'plain': {
      const handle = wordHandle(rng);
      return { username: handle, globalName: display ? capitalize(handle.replace(/[_.]/g, ' ')) : null };
    }
    case 'digits': {
      const word = rng.pick(WORDS);
      return {
        username: `${word}${rng.pick(['', '_'])}${digits(rng)}`,
        globalName: display ? capitalize(word) : null,
      };
    }
    case 'real': {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      const handle = `${first}${rng.pick(['.', '_', ''])}${last}`.toLowerCase().replace(/ü/g, 'u');
      return {
        username: rng.chance(0.4) ? `${handle}${rng.int(1, 99)}` : handle,
        globalName: `${first} ${last}`,
      };
    }
    case 'non-latin':
      return { username: `${rng.pick(WORDS)}${rng.int(1, 9999)}`, globalName: rng.pick(NON_LATIN) };
    case 'emoji': {
      const word = rng.pick(WORDS);
      return {
        username: `${word}${rng.pick(['', '_'])}${randomHandle(rng, 2)}`,
        globalName: `${capitalize(word)} ${rng.pick(EMOJI)}`,
      };
    }
  }
}
