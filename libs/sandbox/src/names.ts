import type { Prng } from './prng.ts';

const FIRST = [
  'luna',
  'max',
  'kai',
  'nova',
  'leo',
  'mia',
  'finn',
  'ivy',
  'theo',
  'zoe',
  'milo',
  'ada',
  'ezra',
  'nora',
  'otto',
  'ruby',
  'sam',
  'iris',
  'jude',
  'cleo',
  'remy',
  'tess',
  'hugo',
  'lena',
  'axel',
  'maya',
  'noah',
];
const WORDS = [
  'pixel',
  'shadow',
  'maple',
  'comet',
  'frost',
  'ember',
  'river',
  'echo',
  'orbit',
  'sable',
  'quartz',
  'fable',
  'nimbus',
  'willow',
  'cobalt',
  'drift',
  'lumen',
  'atlas',
  'ripple',
  'cinder',
  'vapor',
  'grove',
  'zephyr',
];
const RAID_BASES = ['nitro_drop', 'free_gift', 'steam_promo', 'airdrop_bot', 'giveaway_hq', 'crypto_mint'];
const LEET: Readonly<Record<string, string>> = { o: '0', i: '1', e: '3', a: '4', s: '5' };

/** A plausible organic username and display name. */
export function organicName(rng: Prng): { username: string; globalName: string | null } {
  const first = rng.pick(FIRST);
  const word = rng.pick(WORDS);
  const shape = rng.int(0, 4);
  const username =
    shape === 0
      ? `${first}${rng.int(1, 99)}`
      : shape === 1
        ? `${first}_${word}`
        : shape === 2
          ? `${word}${first}`
          : shape === 3
            ? `${word}.${rng.int(100, 9999)}`
            : `the${word}`;
  const globalName = rng.chance(0.7) ? first.charAt(0).toUpperCase() + first.slice(1) : null;
  return { username, globalName };
}

/** A base name for one raid family: its accounts get look-alike variants of it. */
export function raidBaseName(rng: Prng): string {
  return rng.pick(RAID_BASES);
}

/** A look-alike of `base`: digits appended, letters swapped for digits, or separators changed. */
export function lookAlikeName(rng: Prng, base: string): { username: string; globalName: string | null } {
  let name = base;
  if (rng.chance(0.5)) {
    name = [...name].map((ch) => (rng.chance(0.3) ? (LEET[ch] ?? ch) : ch)).join('');
  }
  if (rng.chance(0.3)) name = name.replace('_', rng.pick(['.', '', '__']));
  name = `${name}${rng.int(0, 9999)}`;
  return { username: name.slice(0, 32), globalName: rng.chance(0.5) ? base.replace('_', ' ') : null };
}

const CHAT = [
  'anyone up for a game tonight?',
  'lol that is so true',
  'good morning everyone',
  'has anyone tried the new update?',
  'brb getting coffee',
  'that build is wild',
  'can someone help me with the install?',
  'gg',
  'haha nice',
  'what time is the event?',
  'I think the patch fixed it',
  'welcome!',
  'ok that makes sense',
  'same here',
  'does this work on linux?',
  'thanks for the help',
  'new record today',
  'who is streaming later?',
];
const SPAM = [
  'FREE NITRO >>> discord.gg/fr33n1tro',
  'claim your steam gift https://stearncommunity.example/gift',
  '@everyone airdrop live now, connect wallet',
  'dm me for free nitro',
  'join discord.gg/raidhub now',
];

/** A line of ordinary chat. */
export function chatLine(rng: Prng): string {
  return rng.pick(CHAT);
}

/** A line a raid account posts. */
export function spamLine(rng: Prng): string {
  return rng.pick(SPAM);
}
