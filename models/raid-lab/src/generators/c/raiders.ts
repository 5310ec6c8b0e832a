// Raiders: when they join, what they are called and what their avatars are.
import { cap, organicName, uniqueName } from './names.ts';
import { ALNUM, LOWNUM } from './rng.ts';
import { ADJ, NOUN } from './words.ts';
import type { World } from './world.ts';

export type BurstMode = 'even' | 'poisson' | 'clumps' | 'ramp';
export type RaiderNames = 'random' | 'stem' | 'copy' | 'ordinary' | 'mixed';
export type RaiderAvatars = 'default' | 'same' | 'random' | 'mixed' | 'aged';

const CREWS = 'void anarchy zerotrust nightmare chaos sk1d ghostsquad kaos nuke hex reaper doom'.split(' ');
const STEMS = [...NOUN, ...ADJ, 'raider', 'user', 'bot', 'acc', 'member', 'guest'];

/** N join times from `start` at `rate` a second: even, Poisson, in clumps of 3–25, or accelerating. */
export function burstTimes(w: World, N: number, start: number, rate: number, mode: BurstMode): number[] {
  const r = w.r;
  const out: number[] = [];
  let t = start;
  if (mode === 'clumps') {
    while (out.length < N) {
      const b = Math.min(N - out.length, Math.round(r.logu(3, 25)));
      for (let j = 0; j < b; j++) {
        out.push(t);
        t += r.u(5, 80);
      }
      t += (b / rate) * 1000 * r.u(0.5, 1.5);
    }
    return out;
  }
  const jit = r.u(0, 0.3);
  for (let j = 0; j < N; j++) {
    out.push(t);
    const gap = 1000 / rate;
    if (mode === 'even') t += gap * (1 + r.u(-jit, jit));
    else if (mode === 'ramp') t += gap * 3 * Math.exp((-4 * j) / N) * r.u(0.7, 1.3) + gap * 0.5;
    else t += r.exp(gap);
  }
  return out;
}

export interface RaiderName {
  readonly username: string;
  readonly globalName: string | null;
}

/** Names raiders in one style: random strings, a stem with numbers, look-alikes of members, ordinary, or mixed. */
export function raiderNamer(w: World, style: RaiderNames): () => RaiderName {
  const r = w.r;
  const used = w.ids.usedNames;
  const crew = r.pick(CREWS) + (r.chance(0.3) ? r.i(1, 99) : '');
  w.crew = crew;
  const stem = r.chance(0.5) ? crew : r.pick(STEMS);
  const sep = r.pick(['', '_', '.', '']);
  let counter = r.i(0, 5000);
  const seqNum = r.chance(0.5);
  const slogan = r.pick([
    `RAIDED BY ${crew.toUpperCase()}`,
    `${crew} on top`,
    `join ${crew}`,
    `${cap(crew)} Army`,
    '.',
    'ㅤ',
  ]);
  const stemGN = r.wpick([
    [1, 'slogan'],
    [1, 'null'],
    [1, 'stem'],
  ]);
  const named = r.shuffle(w.guild.pool.filter((m) => m.username));
  const targets = named.slice(0, r.i(1, 3));
  const variant = (s: string) =>
    r.wpick([
      [2, s + r.pick(['_', '.', '0', '1', 'x', '__', '_1'])],
      [1, s.replace(/l/g, '1').replace(/o/g, '0').replace(/i/g, '1')],
      [1, s.replace(/([aeiou])/, '$1$1')],
      [1, `real${sep}${s}`],
      [1, `${s}.official`],
    ]);
  const one = (st: Exclude<RaiderNames, 'mixed'>): RaiderName => {
    switch (st) {
      case 'random': {
        const s = r.str(r.i(6, 14), LOWNUM);
        const username = uniqueName(r, used, s);
        const globalName = r.wpick<string | null>([
          [5, null],
          [2, s],
          [3, r.str(r.i(5, 12), ALNUM)],
        ]);
        return { username, globalName };
      }
      case 'stem': {
        const num = seqNum ? String(counter++) : String(r.i(0, 99999));
        const username = uniqueName(r, used, stem + sep + num);
        const globalName = stemGN === 'slogan' ? slogan : stemGN === 'null' ? null : `${cap(stem)} ${num}`;
        return { username, globalName };
      }
      case 'copy': {
        const t = r.pick(targets);
        const name = t.username ?? '';
        return { username: uniqueName(r, used, variant(name)), globalName: t.globalName ?? name };
      }
      default:
        return organicName(r, used, w.g.nameStyles);
    }
  };
  if (style === 'mixed') {
    const mix = [
      [r.f(), 'random'],
      [r.f(), 'stem'],
      [r.f(), 'copy'],
      [r.f(), 'ordinary'],
    ] as const;
    return () => one(r.wpick(mix));
  }
  return () => one(style);
}

/** Raiders' avatars: all default, one shared hash, each its own, half and half, or (aged accounts) mostly set. */
export function raiderAvatar(w: World, style: RaiderAvatars): () => string | null {
  const r = w.r;
  const same = w.ids.avatarHash();
  const pHas = r.u(0.3, 0.95);
  return () => {
    if (style === 'default') return null;
    if (style === 'same') return same;
    if (style === 'random') return w.ids.avatarHash();
    if (style === 'aged') return r.chance(pHas) ? w.ids.avatarHash() : null;
    return r.chance(0.5) ? w.ids.avatarHash() : null;
  };
}
