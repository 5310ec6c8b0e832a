import type { RaidFamily } from '../scenario.ts';
import { entryCodes } from './raidEntry.ts';
import { raiderAccounts } from './raiders.ts';
import { FAMILIES, type FamilyTraits, type Posting } from './raidFamilies.ts';
import type { Rng } from './rng.ts';
import type { EpisodeResult, Scene } from './scene.ts';
import { type SpamMessage, spamWriter } from './spam.ts';
import { episodeRoom, placeStart } from './window.ts';

const MINUTE = 60_000;
const MAX_MESSAGES = 6_000;

interface Planned {
  readonly raider: number;
  readonly at: number;
  readonly message: SpamMessage;
}

/** When each raider posts, relative to the first join; at most MAX_MESSAGES in all. */
function planPosts(
  rng: Rng,
  joins: readonly number[],
  posting: Posting,
  traits: FamilyTraits,
  write: (rng: Rng) => SpamMessage,
): Planned[] {
  if (posting === 'silent') return [];
  const together =
    (joins[joins.length - 1] ?? 0) + rng.logRange(traits.togetherDelayMs[0], traits.togetherDelayMs[1]);
  const posterShare = rng.range(0.4, 1);
  const perPoster = rng.int(1, 6);
  const posts: Planned[] = [];
  joins.forEach((joinedAt, raider) => {
    if (posts.length >= MAX_MESSAGES || !rng.chance(posterShare)) return;
    let at = posting === 'on-join' ? joinedAt + rng.logRange(300, 10_000) : together + rng.range(0, 8_000);
    for (let k = rng.int(1, perPoster); k > 0; k--) {
      posts.push({ raider, at, message: write(rng) });
      at += rng.logRange(400, 4_000);
    }
  });
  return posts;
}

/** Places one raid of `family`: its accounts, their invites, joins, spam and hit-and-run leaves. */
export function runRaid(scene: Scene, rng: Rng, family: RaidFamily): EpisodeResult {
  const traits = FAMILIES[family];
  const { world } = scene;
  const room = episodeRoom(world);
  let joins = traits.joins(rng, Math.round(rng.logRange(traits.size[0], traits.size[1])), room);
  let posts = planPosts(rng, joins, rng.weighted(traits.posting), traits, spamWriter(scene, rng));
  const span = posts.reduce((last, p) => Math.max(last, p.at), joins[joins.length - 1] ?? 0);
  if (span > room) {
    // A trace too short for the raid as drawn: the same raid, faster.
    joins = joins.map((t) => (t * room) / span);
    posts = posts.map((p) => ({ ...p, at: (p.at * room) / span }));
  }
  const start = placeStart(rng, world, Math.min(span, room));
  const accounts = raiderAccounts(scene, rng, joins.length, start, {
    ages: rng.weighted(traits.ages),
    names: rng.weighted(traits.names),
    avatars: rng.weighted(traits.avatars),
  });
  const codes = entryCodes(scene, rng, joins.length, start, rng.weighted(traits.entry));
  const spray = rng.chance(0.4);
  const lastSeen = joins.map((t) => start + t);
  accounts.forEach((account, i) => {
    world.join(start + (joins[i] ?? 0), account, codes[i] ?? null);
  });
  for (const post of posts) {
    const account = accounts[post.raider];
    if (account === undefined) continue;
    const channel = spray ? rng.pick(world.channels.all) : world.channels.general;
    world.say(start + post.at, channel, account.userId, post.message.content, post.message.mentionCount);
    lastSeen[post.raider] = start + post.at;
  }
  const leaveShare = rng.chance(0.5) ? 0 : rng.range(0.2, 0.9);
  accounts.forEach((account, i) => {
    if (rng.chance(leaveShare))
      world.leave((lastSeen[i] ?? start) + rng.logRange(5_000, 30 * MINUTE), account.userId);
  });
  const end = Math.floor(lastSeen.reduce((last, t) => Math.max(last, t), start));
  return { label: { type: 'raid', guildId: world.guildId, start, end, family }, accounts };
}
