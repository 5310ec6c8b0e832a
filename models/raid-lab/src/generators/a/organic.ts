import type { TraceBuilder } from './builder.ts';
import { DAY_MS, FIRST_ACCOUNT_MS, HOUR_MS, MINUTE_MS } from './ids.ts';
import { chatLine } from './lines.ts';
import { avatarHash, wordName } from './names.ts';
import { arrive, organicAccount, organicEntry } from './newcomer.ts';
import type { Rng } from './rng.ts';

/** Times of a Poisson process of `perDay` a day that follows the guild's daily cycle (by thinning). */
export function cycleTimes(rng: Rng, b: TraceBuilder, perDay: number): number[] {
  const { startMs, endMs, cycle } = b.world;
  const times: number[] = [];
  if (perDay <= 0) return times;
  const meanGap = DAY_MS / perDay / cycle.max;
  for (let t = startMs + rng.exponential(meanGap); t < endMs; t += rng.exponential(meanGap))
    if (rng.chance(cycle.at(t) / cycle.max)) times.push(t);
  return times;
}

/** The guild's everyday traffic: newcomers (some with friends), departures, members' chat and the odd bot. */
export function organicTraffic(rng: Rng, b: TraceBuilder): void {
  const { world } = b;
  const friends = world.friendsPerMemberInvite;
  const joinsPerArrival = 1 + world.entries.member * friends;
  for (const ts of cycleTimes(rng, b, world.joinsPerDay / joinsPerArrival)) {
    const entry = organicEntry(rng, b, ts);
    arrive(rng, b, ts, organicAccount(rng, b, ts), entry.code);
    if (entry.kind !== 'member') continue;
    // Friends follow a member's invite within minutes: the group size is geometric with the drawn mean.
    for (let at = ts; rng.chance(friends / (1 + friends)); ) {
      at += rng.logUniform([5000, 20 * MINUTE_MS]);
      arrive(rng, b, at, organicAccount(rng, b, at), entry.code);
    }
  }
  for (const ts of cycleTimes(rng, b, world.joinsPerDay * world.memberLeavesPerJoin)) {
    b.leave(ts, b.mint.at(rng.uniform([FIRST_ACCOUNT_MS, ts - 7 * DAY_MS])));
  }
  for (const ts of cycleTimes(rng, b, world.chatPerHour * 24)) {
    b.message(rng, ts, rng.pick(world.members).userId, chatLine(rng));
  }
  for (const ts of cycleTimes(rng, b, world.botsPerDay)) {
    const name = wordName(rng, false);
    const bot = b.account(
      rng,
      ts - rng.logUniform([HOUR_MS, 5 * 365 * DAY_MS]),
      { username: `${name}bot`, globalName: null },
      avatarHash(rng),
      true,
    );
    b.join(ts, bot, null);
  }
}
