import { guildAccountMix, makeAccount, organicAccount, organicCreatedMs } from './accounts.ts';
import { poissonTimes } from './arrivals.ts';
import { activityAt } from './guild.ts';
import { avatarHash } from './ids.ts';
import { arrive, guildHabits } from './newcomer.ts';
import type { Rng } from './rng.ts';
import type { Scene } from './scene.ts';

const CHAT = [
  'lol',
  'gg',
  'anyone on?',
  'good morning',
  'gn everyone',
  'that update was wild',
  'welcome!',
  'welcome :)',
  'same',
  'true',
  'wait what',
  'who is playing tonight',
  'check #announcements',
  'brb',
  'nice',
  'haha yes',
];
const BOTS = ['carl-bot', 'mee6', 'dyno', 'statbot', 'ticket tool', 'giveawaybot'];

/** The guild's everyday traffic over the whole trace: newcomers, members leaving, sparse chat, the odd bot. */
export function organicTraffic(scene: Scene, rng: Rng): void {
  const { profile, world } = scene;
  const perHour = profile.joinsPerDay / 24;
  const ceiling = 1 + profile.amplitude;
  const rate = (ms: number) => perHour * activityAt(profile, ms);
  const mix = guildAccountMix(profile);
  const habits = guildHabits(profile);
  for (const t of poissonTimes(rng, world.startMs, world.endMs, rate, perHour * ceiling)) {
    const account = organicAccount(rng, world.ids, profile, mix, t);
    arrive(scene, rng, t, account, scene.invites.pickOrganic(rng, t), habits);
  }
  // Long-standing members leaving: ids of accounts that joined before the trace.
  for (const t of poissonTimes(
    rng,
    world.startMs,
    world.endMs,
    (ms) => profile.churn * rate(ms),
    perHour * profile.churn * ceiling,
  )) {
    const { createdMs } = organicCreatedMs(rng, { ...mix, newShare: 0 }, t - rng.logRange(86_400_000, 1e11));
    world.leave(t, world.ids.user(createdMs));
  }
  const chatPerHour = profile.chatPerDay / 24;
  for (const t of poissonTimes(
    rng,
    world.startMs,
    world.endMs,
    (ms) => chatPerHour * activityAt(profile, ms),
    chatPerHour * ceiling,
  )) {
    world.say(t, rng.pick(world.channels.all), rng.pick(scene.regulars).userId, rng.pick(CHAT));
  }
  if (rng.chance(0.15)) addBot(scene, rng);
}

/** A moderator adds a bot: through OAuth, so no invite. */
function addBot(scene: Scene, rng: Rng): void {
  const { world } = scene;
  const t = rng.range(world.startMs, world.endMs);
  const name = rng.pick(BOTS);
  const createdMs = t - rng.logRange(1e10, 2.5e11);
  const account = makeAccount(
    world.ids,
    createdMs,
    { username: name.replace(' ', ''), globalName: name },
    avatarHash(rng),
  );
  world.join(t, { ...account, bot: true }, null);
}
