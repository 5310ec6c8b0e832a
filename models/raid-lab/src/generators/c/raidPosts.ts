// What raiders post, and how the guild's members and moderators react.
import { ALNUM, LOWNUM, MIN, SEC } from './rng.ts';
import type { Joiner, World } from './world.ts';

export type SpamKind = 'invite' | 'link' | 'everyone' | 'mentions' | 'slur' | 'shock' | 'wall' | 'crypto';
export const SPAM_KINDS: readonly SpamKind[] = [
  'invite',
  'link',
  'everyone',
  'mentions',
  'slur',
  'shock',
  'wall',
  'crypto',
];

/** When raiders post: on joining, together at a signal, each in its own time, or never. */
export type PostMode = 'immediate' | 'signal' | 'individual' | 'never';

export interface PostPlan {
  readonly kinds: SpamKind[];
  /** One line for all, that line with a random suffix, or varied lines. */
  readonly same: 'same' | 'suffix' | 'varied';
  /** Posts go to every channel rather than the main one. */
  readonly spread: boolean;
  readonly signalJitter: number;
  readonly mode: PostMode;
  readonly pPost: number;
  readonly msgs: readonly [number, number];
  readonly signalDelay: number;
}

export interface Raider {
  readonly u: Joiner;
  readonly joinT: number;
  lastMsg: number;
  gone?: boolean;
}

interface SpamContext {
  readonly inv: string;
  readonly crew: string;
  readonly targets: readonly string[];
}

/** Split a list written as one string. */
const items = (text: string) => text.split('|');

/** One spam line of one of `kinds`, with its mentionCount (distinct users mentioned). */
function spam(w: World, kinds: readonly SpamKind[], ctx: SpamContext): [string, number] {
  const r = w.r;
  const { crew } = ctx;
  switch (r.pick(kinds)) {
    case 'invite': {
      const lead = r.pick(items('JOIN|join|@everyone join|best server|come to|free nitro at|real server ->'));
      return [`${lead} discord.gg/${ctx.inv}`, 0];
    }
    case 'link': {
      const lead = r.pick(items('FREE NITRO 🎁|free nitro|steam gift 50$|claim your gift|Airdrop is live'));
      const host = r.pick(
        items('dlscord-nitro.gift|discord-gifts.ru|steamcommunlty.com/gift|nitro-drop.xyz|dicsord.com/claim'),
      );
      return [`${lead} https://${host}/${r.str(r.i(6, 12), ALNUM)}`, 0];
    }
    case 'everyone':
      return [
        `@everyone ${r.pick(items(`RAIDED|get raided lol|this server is dead now|${crew} was here|L server|WAKE UP|owned`))}`,
        0,
      ];
    case 'mentions': {
      const ids = [...new Set(Array.from({ length: r.i(5, 30) }, () => `<@${r.pick(ctx.targets)}>`))];
      const k = ids.length; // distinct users mentioned
      const head = r.chance(0.4) ? '@everyone ' : '';
      const tail = r.chance(0.5) ? ` ${r.pick(['lol', 'get raided', 'wake up', `join ${crew}`])}` : '';
      return [head + ids.join(' ') + tail, k];
    }
    case 'slur':
      return [
        r.pick(
          items(
            'kys|you are all [slur]s|[slur] server lmao|trash mods|kys [slur]|die|this community is [slur]|' +
              'ur all pathetic|cry about it',
          ),
        ),
        0,
      ];
    case 'shock': {
      const lead = r.pick(['lol look', 'omg', 'watch this', '']);
      const host = r.pick([
        'imgur.com/a/',
        'cdn.discordapp.com/attachments/',
        'gyazo.com/',
        'streamable.com/',
      ]);
      return [`${lead} https://${host}${r.str(r.i(6, 16), ALNUM)}`.trim(), 0];
    }
    case 'wall': {
      const unit = r.pick(['🤡', '💀', 'RAID ', 'ඞ', '█', `${crew.toUpperCase()} `]);
      return [unit.repeat(r.i(20, 150)).slice(0, 1900), 0];
    }
    default: {
      // crypto scam
      const coin = r.pick(['$ELON', 'BTC', 'ETH', 'MrBeast']);
      const host = r.pick(['claim-x2.io', 'giveaway-event.net', 'airdrop-free.org']);
      return [`🚀 ${coin} giveaway, claim 2x now https://${host}/${r.str(8, ALNUM)}`, 0];
    }
  }
}

/** Raiders' posts by the plan; the first and last post inside the trace (±Infinity when none). */
export function raidPosts(w: World, raiders: Raider[], plan: PostPlan): { first: number; last: number } {
  const r = w.r;
  const ctx: SpamContext = {
    inv: r.str(8, ALNUM),
    crew: w.crew,
    targets: [...w.guild.pool.slice(0, 400).map((m) => m.id), ...raiders.slice(0, 50).map((x) => x.u.id)],
  };
  const fixed = spam(w, plan.kinds, ctx);
  const channels = w.guild.channels.map((c) => c[1]);
  const chans = plan.spread ? channels : channels.slice(0, 1);
  const lastJoin = raiders.reduce((m, x) => Math.max(m, x.joinT), 0);
  const signal = lastJoin + plan.signalDelay;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const x of raiders) {
    x.lastMsg = x.joinT;
    if (plan.mode === 'never' || !r.chance(plan.pPost)) continue;
    let t =
      plan.mode === 'signal'
        ? signal + r.u(0, plan.signalJitter)
        : x.joinT + (plan.mode === 'individual' ? r.logu(20 * SEC, 20 * MIN) : r.logu(300, 15 * SEC));
    const k = r.i(plan.msgs[0], plan.msgs[1]);
    for (let j = 0; j < k; j++) {
      let [c, mc] = plan.same === 'varied' ? spam(w, plan.kinds, ctx) : fixed;
      if (plan.same === 'suffix') c = `${c} ${r.str(r.i(3, 8), LOWNUM)}`;
      if (w.emitMsg(t, x.u.id, c, mc, r.pick(chans))) {
        first = Math.min(first, t);
        last = Math.max(last, t);
        x.lastMsg = t;
      }
      t += r.u(300, 2500);
    }
  }
  return { first, last };
}

/** Members react to the first post; 65 % of the time moderators ban 30–100 % of the raiders. */
export function modResponse(w: World, raiders: Raider[], firstMsg: number): void {
  const r = w.r;
  if (firstMsg === Number.POSITIVE_INFINITY) return;
  const n = r.i(2, 30);
  for (let k = 0; k < n; k++) {
    const mod = r.pick(w.guild.mods);
    const line = r.pick([
      ...items('wtf|mods??|raid!!|what is happening|lmao raid|report them|ban them pls|who are these people'),
      'ew',
      'omg',
      `<@${mod.id}> raid`,
    ]);
    const at = firstMsg + r.logu(3 * SEC, 5 * MIN);
    w.emitMsg(at, w.poolMember().id, line, line.startsWith('<@') ? 1 : 0);
  }
  // bans / kicks show up as member.left
  if (r.chance(0.65)) {
    let t = firstMsg + r.logu(40 * SEC, 10 * MIN);
    const frac = r.u(0.3, 1);
    const per: readonly [number, number] = r.chance(0.5) ? [150, 900] : [2000, 10000];
    for (const x of r.shuffle([...raiders])) {
      if (!r.chance(frac)) continue;
      t += r.u(per[0], per[1]);
      w.emit(Math.max(t, x.lastMsg + 500), 'member.left', { userId: x.u.id });
      x.gone = true;
    }
  }
  for (const x of raiders)
    if (!x.gone && r.chance(0.1))
      w.emit(x.lastMsg + r.logu(2 * SEC, 30 * MIN), 'member.left', { userId: x.u.id });
}
