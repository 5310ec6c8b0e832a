import type { Rng, Weighted } from './rng.ts';
import { ADJ, EMOJI, FIRST, LAST, NONLATIN, NOUN } from './words.ts';

/** A name style of organic accounts; each guild weighs them its own way. */
export type NameStyle = 'word' | 'wordnum' | 'real' | 'nonlatin' | 'emoji' | 'odd';

export interface AccountName {
  readonly username: string;
  readonly globalName: string | null;
}

export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A username as Discord allows it: `[a-z0-9_.]`, no `..`, 2–32 characters. */
function cleanUsername(raw: string): string {
  let s = raw
    .toLowerCase()
    .replace(/[^a-z0-9_.]/g, '')
    .replace(/\.\.+/g, '.');
  if (s.length < 2) s = `${s}xx`;
  return s.slice(0, 32);
}

/** `base` cleaned, with digits added until no account of the trace has it. */
export function uniqueName(rng: Rng, used: Set<string>, base: string): string {
  let u = cleanUsername(base);
  while (used.has(u)) u = cleanUsername(u.slice(0, 27) + rng.pick(['', '_', '.']) + rng.i(0, 9999));
  used.add(u);
  return u;
}

function digits(rng: Rng): string {
  return rng.chance(0.25) ? String(rng.i(1995, 2013)) : String(rng.i(0, rng.pick([9, 99, 999, 9999])));
}

function styledName(rng: Rng, style: NameStyle): [string, string | null] {
  const sep = () => rng.pick(['', '', '_', '.']);
  switch (style) {
    case 'word': {
      const w = rng.chance(0.5)
        ? rng.pick(ADJ) + sep() + rng.pick(NOUN)
        : rng.chance(0.5)
          ? rng.pick(NOUN)
          : rng.pick(NOUN) + rng.pick(NOUN);
      const gname = rng.chance(0.3)
        ? null
        : rng.wpick([
            [3, cap(w.replace(/[_.]/g, ' '))],
            [2, w],
            [1, cap(rng.pick(NOUN))],
            [1, rng.pick(FIRST)],
          ]);
      return [w, gname];
    }
    case 'wordnum': {
      const w = rng.chance(0.5) ? rng.pick(NOUN) : rng.pick(ADJ) + rng.pick(NOUN);
      const user = w + rng.pick(['', '_', '.', '']) + digits(rng);
      const gname = rng.chance(0.35)
        ? null
        : rng.wpick([
            [3, cap(w)],
            [1, user],
            [1, cap(rng.pick(FIRST))],
          ]);
      return [user, gname];
    }
    case 'real': {
      const f = rng.pick(FIRST);
      const l = rng.pick(LAST);
      const user = rng.wpick([
        [3, f + sep() + l],
        [2, f + l.charAt(0)],
        [2, `${f}_${digits(rng)}`],
        [1, f],
        [1, l + f.charAt(0)],
      ]);
      const gname = rng.chance(0.2)
        ? null
        : rng.wpick([
            [3, cap(f)],
            [2, `${cap(f)} ${cap(l)}`],
            [1, `${cap(f)} ${l.charAt(0).toUpperCase()}.`],
            [1, f],
          ]);
      return [user, gname];
    }
    case 'nonlatin': {
      const [nl, tr] = rng.pick(NONLATIN);
      const user = tr + rng.pick(['', '_', '.', '']) + (rng.chance(0.6) ? digits(rng) : '');
      return [user, rng.chance(0.1) ? null : rng.chance(0.8) ? nl : `${nl} ${rng.pick(EMOJI)}`];
    }
    case 'emoji': {
      const w = rng.chance(0.5) ? rng.pick(NOUN) : rng.pick(FIRST);
      const user = w + (rng.chance(0.5) ? digits(rng) : rng.pick(['', '_', 'x']));
      const e = rng.pick(EMOJI);
      const gname = rng.wpick([
        [2, `${e}${cap(w)}${e}`],
        [2, `${cap(w)} ${e}`],
        [1, `${e} ${w}`],
        [1, `${e}${rng.pick(EMOJI)}`],
        [1, `${w}・${e}`],
      ]);
      return [user, gname];
    }
    default: {
      // odd: short or decorated handles
      const user = rng.wpick([
        [2, rng.str(rng.i(3, 6), 'abcdefghijklmnopqrstuvwxyz')],
        [1, `its${rng.pick(FIRST)}`],
        [1, `x${rng.pick(NOUN)}x`],
        [1, `_${rng.pick(NOUN)}_`],
        [1, `not${rng.pick(NOUN)}`],
        [1, `${rng.pick(NOUN)}.exe`],
      ]);
      const gname = rng.chance(0.4)
        ? null
        : rng.wpick([
            [1, user],
            [1, cap(rng.pick(NOUN))],
            [1, rng.pick(NOUN).toUpperCase()],
          ]);
      return [user, gname];
    }
  }
}

/** An organic account's name, in one of the guild's weighted styles; the username is unique in the trace. */
export function organicName(rng: Rng, used: Set<string>, styles: Weighted<NameStyle>): AccountName {
  const [user, globalName] = styledName(rng, rng.wpick(styles));
  return { username: uniqueName(rng, used, user), globalName };
}

/** A vanity URL code. */
export function vanityName(rng: Rng): string {
  return rng
    .wpick([
      [3, rng.pick(NOUN) + rng.pick(['', 's', 'hq', 'club', 'world', 'gg', 'zone'])],
      [2, rng.pick(ADJ) + rng.pick(NOUN)],
      [1, rng.pick(NOUN) + rng.pick(NOUN)],
      [1, rng.str(rng.i(3, 5), 'abcdefghijklmnopqrstuvwxyz')],
    ])
    .slice(0, 25);
}
