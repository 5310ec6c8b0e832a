import { type Account, keepsDefaultAvatar, type TraceBuilder } from './builder.ts';
import { DAY_MS, FIRST_ACCOUNT_MS, HOUR_MS, MINUTE_MS } from './ids.ts';
import { chatLine, GREETINGS } from './lines.ts';
import { avatarHash, type NameStyle, organicName } from './names.ts';
import { GUILD } from './ranges.ts';
import type { Rng } from './rng.ts';

/** How newcomers greet: which share, how fast, with what line. */
export interface Greeting {
  readonly share: number;
  readonly fastShare: number;
  readonly line: (rng: Rng) => string;
}

/** An organic account's age when it joins at `ts`: same-day, recent, or months to years. */
export function organicAgeMs(rng: Rng, b: TraceBuilder, ts: number, youngShare: number): number {
  if (rng.chance(youngShare)) return rng.logUniform(GUILD.youngAgeMs);
  if (rng.chance(b.world.recentShare)) return rng.logUniform([DAY_MS, 60 * DAY_MS]);
  return (
    60 * DAY_MS + Math.max(DAY_MS, ts - FIRST_ACCOUNT_MS - 60 * DAY_MS) * rng.next() ** b.world.oldAgeSkew
  );
}

/** An account of the guild's organic audience joining at `ts`. */
export function organicAccount(
  rng: Rng,
  b: TraceBuilder,
  ts: number,
  youngShare = b.world.youngShare,
): Account {
  const ageMs = organicAgeMs(rng, b, ts, youngShare);
  const style = rng.weighted<NameStyle>(b.world.nameStyles);
  const avatar = keepsDefaultAvatar(rng, b.world, ageMs) ? null : avatarHash(rng);
  return b.account(rng, ts - ageMs, organicName(rng, style), avatar);
}

/** Where an organic join comes from, with the kind of entry (a member's invite may bring friends). */
export function organicEntry(
  rng: Rng,
  b: TraceBuilder,
  ts: number,
): { code: string | null; kind: 'vanity' | 'everyday' | 'member' | 'unknown' } {
  const { vanity, member, unknown } = b.world.entries;
  const kind = rng.weighted({
    vanity,
    member,
    unknown,
    everyday: Math.max(0, 1 - vanity - member - unknown),
  });
  if (kind === 'vanity') return { code: 'vanity', kind };
  if (kind === 'unknown') return { code: null, kind };
  if (kind === 'member') {
    const inviter = rng.pick(b.world.members).userId;
    return { code: b.memberInvite(rng, ts, rng.logUniform(GUILD.memberInviteLeadMs), inviter), kind };
  }
  return { code: rng.pickBy(b.world.everyday, (e) => e.weight).code, kind };
}

/** The guild's everyday greeting habits. */
export function usualGreeting(b: TraceBuilder): Greeting {
  return { share: b.world.greetShare, fastShare: b.world.greetFastShare, line: commonGreeting };
}

/** A greeting, the common ones ("hi", "hello", "hey") far more often than the rare ones. */
export function commonGreeting(rng: Rng): string {
  return GREETINGS[Math.floor(GREETINGS.length * rng.next() ** 2)] ?? 'hi';
}

/** A newcomer joins, and maybe greets, chats later, leaves, and comes back. */
export function arrive(
  rng: Rng,
  b: TraceBuilder,
  ts: number,
  account: Account,
  code: string | null,
  greeting: Greeting = usualGreeting(b),
): void {
  const { world } = b;
  b.join(ts, account, code);
  let last = ts;
  if (rng.chance(greeting.share)) {
    last =
      ts +
      (rng.chance(greeting.fastShare)
        ? rng.uniform([2000, 30_000])
        : rng.logUniform([30_000, 15 * MINUTE_MS]));
    b.message(rng, last, account.userId, greeting.line(rng));
  }
  if (rng.chance(world.laterChatShare)) {
    last = Math.max(last, ts + rng.logUniform([MINUTE_MS, 3 * HOUR_MS]));
    b.message(rng, last, account.userId, chatLine(rng));
  }
  if (!rng.chance(world.leaveShare)) return;
  const leftAt =
    last +
    (rng.chance(world.leaveSoonShare)
      ? rng.logUniform([MINUTE_MS, HOUR_MS])
      : rng.logUniform([HOUR_MS, 3 * DAY_MS]));
  b.leave(leftAt, account.userId);
  if (rng.chance(world.rejoinShare)) {
    const back = leftAt + rng.logUniform([5 * MINUTE_MS, 12 * HOUR_MS]);
    b.join(back, account, organicEntry(rng, b, back).code);
  }
}
