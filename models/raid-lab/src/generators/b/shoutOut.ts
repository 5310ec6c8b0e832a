import { guildAccountMix } from './accounts.ts';
import { guildHabits } from './newcomer.ts';
import type { Rng } from './rng.ts';
import type { EpisodeResult, Scene } from './scene.ts';
import { emitCrowd, placeInDaytime } from './surge.ts';
import { episodeRoom } from './window.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const CHANTS = ['hi', '👋', 'hello from stream', 'KEKW', 'PogChamp', 'o7', 'hiii', 'W streamer', 'LETS GOOO'];

/**
 * A creator sends their audience: hundreds to thousands (scaled to the guild) through an invite made minutes
 * before; most in the first minutes, the rest tailing off until the rate is back at the guild's normal.
 */
export function shoutOut(scene: Scene, rng: Rng): EpisodeResult {
  const { profile, invites } = scene;
  const size = Math.round(Math.min(10_000, rng.logRange(0.5, 5) * 10 * profile.members ** 0.45));
  const fastShare = rng.range(0.4, 0.8);
  const fastMedian = rng.logRange(20_000, 120_000);
  const tail = rng.logRange(5 * MINUTE, 20 * MINUTE);
  // The tail ends where its rate falls to the guild's busiest organic rate: after that it is only normal traffic.
  const normalPerMs = Math.max(1, (profile.joinsPerDay / 24) * (1 + profile.amplitude)) / HOUR;
  const tailEnd = Math.min(
    90 * MINUTE,
    episodeRoom(scene.world),
    Math.max(10 * MINUTE, tail * Math.log((size * (1 - fastShare)) / (tail * normalPerMs))),
  );
  const offsets: number[] = [];
  for (let i = 0; i < size; i++) {
    const at = rng.chance(fastShare) ? fastMedian * Math.exp(0.7 * rng.normal()) : rng.exp(tail);
    if (at <= tailEnd) offsets.push(at);
  }
  offsets.sort((a, b) => a - b);
  const start = placeInDaytime(rng, scene, tailEnd);
  const streamer = rng.pick(scene.regulars);
  const code = invites.create(
    rng,
    start - rng.logRange(MINUTE, 30 * MINUTE),
    streamer.userId,
    0,
    rng.pick([86_400, 604_800, 0]),
  );
  const viaInvite = rng.range(0.75, 0.97);
  const chant =
    rng.chance(0.3) && streamer.globalName !== null ? `hi ${streamer.globalName}` : rng.pick(CHANTS);
  const chantShare = rng.range(0.4, 0.9);
  const everyday = guildHabits(profile);
  return emitCrowd(scene, rng, 'shout-out', {
    times: offsets.map((o) => start + o),
    mix: {
      ...guildAccountMix(profile),
      newShare: rng.range(0.3, 0.75),
      newLeadMs: [30_000, 20 * MINUTE],
      defaultAvatarNew: rng.range(0.75, 0.98),
    },
    habits: {
      greetShare: rng.range(0.25, 0.7),
      greeting: (draw) => (draw.chance(chantShare) ? chant : everyday.greeting(draw)),
      greetDelayMs: [2_000, 60_000],
      leaveShare: rng.range(0.1, 0.35),
      quickLeaveShare: 0.6,
      rejoinShare: 0.1,
    },
    invite: (draw) => (draw.chance(viaInvite) ? code : draw.chance(0.7) ? invites.everyday() : null),
  });
}
