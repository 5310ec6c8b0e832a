import type { Rng } from './rng.ts';

// Word lists are one string each, split once: short to read, and the formatter leaves them alone.
const WORDS = (
  'lantern thistle harbor meadow falcon basil copper prism tundra juniper saffron marble glacier hazel ' +
  'kestrel indigo canyon pepper walnut orchid puffin velvet badger nectar sparrow granite cedar otter ' +
  'plum fjord bramble magpie tango waffle biscuit cosmo lynx quill sprout'
).split(' ');
const FIRST = (
  'emily james sofia lucas amir chloe mateo hana oliver priya aiden leila diego yuki liam fatima jonas ' +
  'mei ethan ana kwame sara ivan nina omar grace tom lea ravi zara'
).split(' ');
const LAST = 'smith garcia kim nguyen muller rossi silva khan ito novak brown lopez'.split(' ');
const NON_LATIN =
  'Саша Дмитрий Анна 小明 李伟 さくら たかし 민준 하은 محمد ليلى Αλέξης שירה अर्जुन ยศ Σοφία Олег 王芳'.split(
    ' ',
  );
const EMOJI = '✨ 🌙 🔥 💀 🌸 ⭐ 🎮 🍀 🐸 💜 🦋 ☕'.split(' ');

/** How organic account names look. */
export const NAME_STYLES = ['word', 'word-digits', 'real', 'non-latin', 'emoji'] as const;
export type NameStyle = (typeof NAME_STYLES)[number];

export interface Name {
  readonly username: string;
  readonly globalName: string | null;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A lowercase word pair, maybe with digits. */
export function wordName(rng: Rng, digits: boolean): string {
  const base = rng.chance(0.5)
    ? rng.pick(WORDS)
    : `${rng.pick(WORDS)}${rng.pick(['', '_', '.'])}${rng.pick(WORDS)}`;
  return digits ? `${base}${rng.pick(['', '_'])}${rng.int(1, rng.pick([99, 2012, 9999]))}` : base;
}

/** A name in one organic style. Usernames are Discord's lowercase ASCII; display names carry the rest. */
export function organicName(rng: Rng, style: NameStyle): Name {
  const display = rng.chance(0.6);
  switch (style) {
    case 'word':
    case 'word-digits': {
      const username = wordName(rng, style === 'word-digits');
      return { username, globalName: display ? cap(username.replace(/[\d_.]+/g, ' ').trim()) : null };
    }
    case 'real': {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      const username = rng.pick([
        `${first}.${last}`,
        `${first}${last[0]}`,
        `${first[0]}${last}${rng.int(1, 99)}`,
        first,
      ]);
      return { username, globalName: rng.chance(0.8) ? cap(first) : null };
    }
    case 'non-latin':
      return { username: wordName(rng, rng.chance(0.5)), globalName: rng.pick(NON_LATIN) };
    case 'emoji': {
      const e = rng.pick(EMOJI);
      return {
        username: wordName(rng, rng.chance(0.3)),
        globalName: `${cap(rng.pick([...WORDS, ...FIRST]))} ${e}`,
      };
    }
  }
}

/** A random avatar hash (sometimes animated). */
export function avatarHash(rng: Rng): string {
  return `${rng.chance(0.1) ? 'a_' : ''}${rng.chars(32, '0123456789abcdef')}`;
}

/** A short invite or vanity code. */
export function inviteCode(rng: Rng): string {
  return rng.chars(rng.int(7, 10), 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
}

/** A vanity code: the guild's name as a slug. */
export function vanitySlug(rng: Rng): string {
  return wordName(rng, rng.chance(0.2)).replace(/[_.]/g, '');
}
