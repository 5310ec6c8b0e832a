import type { RaidFamily } from '../scenario.ts';
import type { TraceBuilder } from './builder.ts';
import { type EpisodeOutcome, type EpisodeWindow, maxOf, place } from './episode.ts';
import { openRaidEntry } from './raidEntry.ts';
import { raiderAccounts, raiderCreation } from './raiders.ts';
import { joinOffsets, planPosts } from './raidSchedule.ts';
import { RAID, RAID_SPECS } from './raidSpecs.ts';
import type { Rng } from './rng.ts';
import { spamWriter } from './spam.ts';

/** Writes one raid of a family into the trace: entry, accounts, joins, posts, departures; labels its window. */
export function runRaid(
  rng: Rng,
  b: TraceBuilder,
  family: RaidFamily,
  window: EpisodeWindow,
): EpisodeOutcome {
  const spec = RAID_SPECS[family];
  const { channels } = b.world;
  const rel = joinOffsets(rng, spec, Math.round(rng.logUniform(spec.size)), window.latest - window.earliest);
  const plan = planPosts(rng, spec, rel, channels.length);
  const { start, scale } = place(
    rng,
    window,
    maxOf(
      plan.posts.map((p) => p.at),
      rel.at(-1) ?? 0,
    ),
  );
  const joins = rel.map((t) => Math.floor(start + t * scale));
  const entry = openRaidEntry(rng, b, spec, joins);
  const batch = raiderCreation(rng, spec, joins);
  const accounts = raiderAccounts(rng, b, spec, batch.createdMs);
  const lastAct = [...joins];
  accounts.forEach((a, i) => {
    b.join(lastAct[i] ?? start, a, entry.codes[i] ?? null);
  });
  const write = spamWriter(rng, b.world.members);
  for (const post of plan.posts) {
    const at = Math.floor(start + post.at * scale);
    const { content, mentionCount } = write(rng);
    const raider = accounts[post.raider];
    if (!raider) continue;
    b.message(rng, at, raider.userId, content, mentionCount, channels[post.channel]);
    lastAct[post.raider] = Math.max(lastAct[post.raider] ?? at, at);
  }
  const leaveShare = rng.uniform(RAID.leaveShare);
  accounts.forEach((a, i) => {
    if (rng.chance(leaveShare)) b.leave((lastAct[i] ?? start) + rng.logUniform(RAID.leaveAfterMs), a.userId);
  });
  const first = joins[0] ?? Math.floor(start);
  const last = joins.at(-1) ?? first;
  const spanSec = Math.max(0.001, (last - first) / 1000);
  return {
    label: { type: 'raid', guildId: b.world.guildId, start: first, end: maxOf(lastAct, last), family },
    actorIds: accounts.map((a) => a.userId),
    facts: {
      size: accounts.length,
      entry: entry.kind,
      batch: batch.kind,
      batchWidthMs: Math.round(batch.widthMs),
      joinsPerSec: accounts.length / spanSec,
      posting: plan.mode,
      posts: plan.posts.length,
    },
  };
}
