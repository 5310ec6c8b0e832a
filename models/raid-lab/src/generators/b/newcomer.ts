import type { GuildProfile } from './guild.ts';
import type { Rng } from './rng.ts';
import type { Scene } from './scene.ts';
import type { Account } from './world.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** What newcomers of one kind do after joining. */
export interface Habits {
  readonly greetShare: number;
  readonly greeting: (rng: Rng) => string;
  readonly greetDelayMs: readonly [number, number];
  readonly leaveShare: number;
  /** Of those who leave, the share that leaves within minutes rather than hours or days. */
  readonly quickLeaveShare: number;
  readonly rejoinShare: number;
}

const GREETINGS = [
  'hi',
  'hello!',
  'hey guys',
  'hii',
  'hey',
  'yo',
  'hello everyone',
  'hey :)',
  'sup',
  '👋',
  'hi all',
  'heyy',
  'hola',
  'bonjour',
  'привет',
  'こんにちは',
  'hello 👋',
  'hi, new here',
];
const FOLLOW_UPS = [
  'how do i get roles?',
  'anyone want to play?',
  'where do i verify',
  'is there a voice channel?',
  'cool server',
  'what is this server about',
  'lol',
  'can someone help me',
  'thanks!',
];

/** Everyday greetings, in the guild's own measure. */
export function guildHabits(profile: GuildProfile): Habits {
  return {
    greetShare: profile.greetShare,
    greeting: (rng) => rng.pick(GREETINGS),
    greetDelayMs: [2_000, 3 * MINUTE],
    leaveShare: profile.leaveShare,
    quickLeaveShare: 0.4,
    rejoinShare: profile.rejoinShare,
  };
}

/** A newcomer joins at `ms`, may greet (and later say more), may leave, and may come back. */
export function arrive(
  scene: Scene,
  rng: Rng,
  ms: number,
  account: Account,
  inviteCode: string | null,
  habits: Habits,
): void {
  const { world, invites } = scene;
  world.join(ms, account, inviteCode);
  if (rng.chance(habits.greetShare)) {
    const saidAt = ms + rng.logRange(habits.greetDelayMs[0], habits.greetDelayMs[1]);
    world.say(
      saidAt,
      rng.chance(0.6) ? world.channels.general : world.channels.welcome,
      account.userId,
      habits.greeting(rng),
    );
    if (rng.chance(0.25))
      world.say(
        saidAt + rng.logRange(MINUTE, 3 * 60 * MINUTE),
        world.channels.general,
        account.userId,
        rng.pick(FOLLOW_UPS),
      );
  }
  if (!rng.chance(habits.leaveShare)) return;
  const leftAt =
    ms +
    (rng.chance(habits.quickLeaveShare)
      ? rng.logRange(15_000, 30 * MINUTE)
      : rng.logRange(30 * MINUTE, 10 * DAY));
  world.leave(leftAt, account.userId);
  if (!rng.chance(habits.rejoinShare)) return;
  // People come back through a link they know, not a member's invite that may have expired.
  const back = rng.weighted([
    [invites.everyday(), 3],
    [invites.pickPermanent(rng), 1],
    [null, 0.5],
  ] as const);
  const noReturn: Habits = { ...habits, leaveShare: 0, greetShare: habits.greetShare / 2 };
  arrive(scene, rng, leftAt + rng.logRange(MINUTE, 3 * DAY), account, back, noReturn);
}
