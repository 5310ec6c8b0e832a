// Organic newcomers: who they are, which invite they use, and what they do after joining.
import { oldCreated } from './accounts.ts';
import { organicName } from './names.ts';
import { ALNUM, clamp, DAY, HOUR, MIN, SEC } from './rng.ts';
import { CHAT, CHAT_LONG, GREET } from './words.ts';
import type { Joiner, World } from './world.ts';

/** Changes to the guild's usual newcomer, for surges. */
export interface UserOptions {
  readonly sameDay?: number;
  /** Same-day accounts are mostly made minutes before joining. */
  readonly quick?: boolean;
  readonly defMult?: number;
  readonly young?: boolean;
}

export interface NewcomerOptions {
  readonly greetP?: number;
  readonly fastGreet?: number;
  readonly greet?: () => string;
  readonly laterP?: number;
  readonly leaveP?: number;
}

const MEDIA = [
  'https://tenor.com/view/',
  'https://youtu.be/',
  'https://cdn.discordapp.com/attachments/',
  'https://twitter.com/',
  'https://www.reddit.com/r/',
];
const EMOTES = ['kekw', 'pepeLaugh', 'catjam', 'pog', 'sadge', 'copium', 'blobwave'];
const BACK = ['back', 'oops left by accident', 'hi again', 'sorry misclicked', 'im back lol'];

/** An organic account joining at `joinT`. */
export function organicUser(w: World, joinT: number, o: UserOptions = {}): Joiner {
  const { r, g } = w;
  let created: number;
  if (r.chance(o.sameDay ?? g.sameDay)) {
    if (o.quick && r.chance(0.8)) created = joinT - r.logu(45 * SEC, 12 * MIN);
    else created = joinT - (r.chance(0.6) ? r.logu(40 * SEC, 30 * MIN) : r.logu(30 * MIN, 18 * HOUR));
  } else created = oldCreated(r, joinT, g.young || (o.young ?? false));
  const pDefault = clamp(w.pDefault(joinT - created) * (o.defMult ?? 1), 0, 0.97);
  const avatar = r.chance(pDefault) ? null : w.ids.avatarHash();
  const id = w.ids.snow(created);
  return { id, created, avatar, ...organicName(r, w.ids.usedNames, g.nameStyles) };
}

/** One of the standing invites, the first likeliest. */
export function permCode(w: World): string {
  return w.r.wpick(w.guild.perm.map((p) => [p.w, p.code] as const));
}

export interface MemberInvite {
  readonly code: string;
  readonly created: number;
  readonly maxAge: number;
  readonly maxUses: number;
}

/** An invite a member makes shortly before it is used at `useT` (within the trace near its start). */
export function memberInvite(w: World, useT: number): MemberInvite {
  const r = w.r;
  const maxAge = r.wpick([
    [0.5, 604800],
    [0.22, 86400],
    [0.08, 3600],
    [0.05, 1800],
    [0.15, 0],
  ]);
  const maxUses = r.wpick([
    [0.8, 0],
    [0.08, 1],
    [0.06, 5],
    [0.06, 10],
  ]);
  let lead = r.logu(20 * SEC, 3 * HOUR);
  if (maxAge) lead = Math.min(lead, maxAge * 500);
  if (useT - lead < w.t0) lead = (useT - w.t0) * r.u(0.05, 0.95);
  const created = useT - lead;
  const code = w.ids.newCode();
  w.emitInvite(created, code, w.poolMember().id, maxUses, maxAge);
  return { code, created, maxAge, maxUses };
}

/** The invite of an organic join at `t`, by the guild's invite mix (null: unknown). */
export function organicCode(w: World, t: number): string | null {
  const k = w.r.wpick(w.g.inviteMix);
  if (k === 'vanity') return 'vanity';
  if (k === 'perm') return permCode(w);
  if (k === 'member') return memberInvite(w, t).code;
  return null;
}

/** A newcomer's join, greeting, later chat, leaving and maybe rejoining. */
export function newcomer(
  w: World,
  u: Joiner,
  joinT: number,
  code: string | null,
  o: NewcomerOptions = {},
): void {
  const { r, g } = w;
  if (!w.emitJoin(joinT, u, code)) return;
  const msgs: [number, string, string | null][] = [];
  if (r.chance(o.greetP ?? g.greetP)) {
    const t = joinT + (r.chance(o.fastGreet ?? 0.7) ? r.logu(2 * SEC, 60 * SEC) : r.logu(MIN, 40 * MIN));
    msgs.push([t, o.greet ? o.greet() : r.pick(GREET), w.guild.welcomeChannel]);
  }
  if (r.chance(o.laterP ?? g.laterP)) {
    const k = 1 + r.geom(0.5);
    for (let j = 0; j < k; j++) {
      const t = joinT + r.logu(3 * MIN, 8 * HOUR);
      msgs.push([t, chatLine(w), null]);
    }
  }
  let leaveT = Number.POSITIVE_INFINITY;
  if (r.chance(o.leaveP ?? g.leaveP))
    leaveT = joinT + (r.chance(0.4) ? r.logu(20 * SEC, 20 * MIN) : r.logu(20 * MIN, 5 * DAY));
  for (const [t, c, ch] of msgs.sort((a, b) => a[0] - b[0]))
    if (t < leaveT - SEC) w.emitMsg(t, u.id, c, 0, ch);
  if (
    leaveT < Number.POSITIVE_INFINITY &&
    w.emit(leaveT, 'member.left', { userId: u.id }) &&
    r.chance(g.rejoinP)
  ) {
    const t = leaveT + r.logu(30 * SEC, 2 * DAY);
    if (t <= w.t1) {
      // member invites may be used up or expired
      const reusable = code === null || code === 'vanity' || w.guild.perm.some((p) => p.code === code);
      const c = reusable && r.chance(0.5) ? code : organicCode(w, t);
      w.emitJoin(t, u, c);
      if (r.chance(0.15)) {
        const at = t + r.logu(5 * SEC, 10 * MIN);
        w.emitMsg(at, u.id, r.pick(BACK));
      }
    }
  }
}

/** A line of everyday chat. */
export function chatLine(w: World): string {
  const r = w.r;
  const c = r.f();
  if (c < 0.62) return r.pick(CHAT);
  if (c < 0.78) return `${r.pick(CHAT)} ${r.pick(CHAT)}`;
  if (c < 0.88) return r.pick(CHAT_LONG);
  if (c < 0.95) return r.pick(MEDIA) + r.str(r.i(8, 20), ALNUM);
  const emote = r.pick(EMOTES);
  const made = w.guild.guildCreated + r.u(0, w.t0 - w.guild.guildCreated - DAY);
  return `<:${emote}:${w.ids.snow(made)}>`;
}

/** A long-standing member's message at `t`; 8 % reply to someone with a mention. */
export function chatter(w: World, t: number): boolean {
  const r = w.r;
  const a = w.poolMember();
  if (r.chance(0.08)) {
    const target = w.poolMember();
    return w.emitMsg(t, a.id, `<@${target.id}> ${r.pick(CHAT)}`, 1);
  }
  return w.emitMsg(t, a.id, chatLine(w));
}
