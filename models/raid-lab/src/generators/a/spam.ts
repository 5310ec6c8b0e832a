import type { Rng } from './rng.ts';
import type { Member } from './world.ts';

/** What raiders post. Abuse is stood for by taunts; the detector sees shape, not slurs. */
export type SpamKind = 'link' | 'invite' | 'everyone' | 'mentions' | 'repeat' | 'taunt';
export interface SpamLine {
  readonly content: string;
  readonly mentionCount: number;
}

const KINDS: readonly SpamKind[] = ['link', 'invite', 'everyone', 'mentions', 'repeat', 'taunt'];
const BAIT =
  'free nitro for everyone|claim your gift|steam is giving $50 away|new airdrop live|leaked|check this out|best server'.split(
    '|',
  );
const DOMAINS =
  'dlscord-gift.com discord-nitro.click steamcommunnity.ru bit.ly tinyurl.com gift-claim.xyz cutt.ly free-nitro.org'.split(
    ' ',
  );
const TAUNTS =
  'this server got raided lol|ez|cry about it|owned|gg no re|mods asleep|this place is dead|we run this now'.split(
    '|',
  );
const REPEATS = ['RAIDED ', '🤡', 'L ', 'a', '💀', 'spam '];
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function line(rng: Rng, kind: SpamKind, members: readonly Member[]): SpamLine {
  switch (kind) {
    case 'link':
      return {
        content: `${rng.pick(BAIT)} https://${rng.pick(DOMAINS)}/${rng.chars(rng.int(5, 9), ALNUM)}`,
        mentionCount: 0,
      };
    case 'invite': {
      const code = rng.chars(rng.int(6, 10), ALNUM);
      const url = rng.chance(0.7) ? `discord.gg/${code}` : `https://discord.com/invite/${code}`;
      return { content: `${rng.chance(0.5) ? `${rng.pick(BAIT)} ` : 'join '}${url}`, mentionCount: 0 };
    }
    case 'everyone':
      return {
        content: `${rng.pick(['@everyone', '@here', '@everyone @here'])} ${rng.pick([...BAIT, ...TAUNTS])}`,
        mentionCount: 0,
      };
    case 'mentions': {
      const n = rng.int(3, 25);
      const ids = Array.from({ length: n }, () => `<@${rng.pick(members).userId}>`);
      return { content: `${ids.join(' ')} ${rng.pick(TAUNTS)}`, mentionCount: n };
    }
    case 'repeat':
      return { content: rng.pick(REPEATS).repeat(rng.int(10, 200)).slice(0, 2000), mentionCount: 0 };
    case 'taunt':
      return { content: rng.pick(TAUNTS), mentionCount: 0 };
  }
}

/** Draws one raid's writer: its kinds of spam, and one line for all, a few, or every line varied. */
export function spamWriter(rng: Rng, members: readonly Member[]): (rng: Rng) => SpamLine {
  const kinds = KINDS.filter(() => rng.chance(0.3));
  if (kinds.length === 0) kinds.push(rng.pick(KINDS));
  const style = rng.pick(['same', 'few', 'varied'] as const);
  if (style === 'varied') {
    // Varied lines also get a random tail, as scripts do to dodge duplicate filters.
    return (r) => {
      const l = line(r, r.pick(kinds), members);
      return r.chance(0.5) ? { ...l, content: `${l.content} ${r.chars(r.int(2, 6), ALNUM)}` } : l;
    };
  }
  const lines = Array.from({ length: style === 'same' ? 1 : rng.int(2, 5) }, () =>
    line(rng, rng.pick(kinds), members),
  );
  return (r) => r.pick(lines);
}
