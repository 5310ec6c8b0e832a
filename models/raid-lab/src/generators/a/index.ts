import type { JoinTraceEvent } from '@chat-guard/join-trace';
import {
  type Episode,
  type GuildScenario,
  type GuildTrace,
  RAID_FAMILIES,
  type RaidFamily,
  type TraceGenerator,
} from '../scenario.ts';
import { TraceBuilder } from './builder.ts';
import type { EpisodeOutcome } from './episode.ts';
import { HOUR_MS, IdMint, MINUTE_MS } from './ids.ts';
import { organicTraffic } from './organic.ts';
import { runRaid } from './raid.ts';
import { Rng } from './rng.ts';
import { runSurge } from './surges.ts';
import { drawWorld, type GuildWorld } from './world.ts';

/** An episode starts at least this long into the trace, and ends this long before its end. */
const LEAD_IN_MS = 2 * HOUR_MS;
const TAIL_MS = MINUTE_MS;
const MIN_ROOM_MS = 30 * MINUTE_MS;

/** A trace with what was drawn for it: the guild's world and the episode's accounts and properties. */
export interface TraceWithTruth {
  readonly trace: GuildTrace;
  readonly world: GuildWorld;
  readonly episode: EpisodeOutcome | null;
}

const isRaid = (e: Episode): e is RaidFamily => (RAID_FAMILIES as readonly string[]).includes(e);

function checkScenario(s: GuildScenario): void {
  if (!Number.isFinite(s.seed)) throw new RangeError(`seed must be a finite number, got ${s.seed}`);
  if (!Number.isSafeInteger(s.startMs) || s.startMs < Date.UTC(2016, 0, 1))
    throw new RangeError(`startMs must be a whole ms time after 2016, got ${s.startMs}`);
  const room = s.hours * HOUR_MS - LEAD_IN_MS - TAIL_MS;
  if (!(s.hours > 0) || (s.episode !== 'none' && room < MIN_ROOM_MS))
    throw new RangeError(`hours must leave 30 min for an episode after the first 2 h, got ${s.hours}`);
}

/** Sorts the events in time, drops those past the end, and writes `guild` lines at the start and now and then. */
function finish(world: GuildWorld, events: JoinTraceEvent[]): JoinTraceEvent[] {
  const sorted = events.filter((e) => e.ts < world.endMs).sort((a, b) => a.ts - b.ts);
  const out: JoinTraceEvent[] = [];
  let members = world.size;
  let nextLine = world.startMs;
  const line = (ts: number): void => {
    out.push({
      type: 'guild',
      ts,
      guildId: world.guildId,
      memberCount: Math.max(0, members),
      vanityCode: world.vanityCode,
    });
    nextLine += world.guildLineEveryMs;
  };
  for (const e of sorted) {
    while (nextLine <= e.ts) line(Math.floor(nextLine));
    if (e.type === 'member.joined') members++;
    else if (e.type === 'member.left') members--;
    out.push(e);
  }
  return out;
}

function worldAndMint(scenario: GuildScenario): { world: GuildWorld; mint: IdMint } {
  const mint = new IdMint(new Rng(scenario.seed, 'ids'));
  return { world: drawWorld(new Rng(scenario.seed, 'world'), mint, scenario), mint };
}

/** The guild a scenario's trace is drawn in (cheap: no traffic is generated). */
export function worldOf(scenario: GuildScenario): GuildWorld {
  checkScenario(scenario);
  return worldAndMint(scenario).world;
}

/** Generator A's trace for a scenario, with what was drawn for it (for tests and per-property analysis). */
export function generateAWithTruth(scenario: GuildScenario): TraceWithTruth {
  checkScenario(scenario);
  const { seed } = scenario;
  const { world, mint } = worldAndMint(scenario);
  const b = new TraceBuilder(world, mint);
  const invites = new Rng(seed, 'invites');
  for (const e of world.everyday)
    b.invite(invites, world.startMs, invites.pick(world.members).userId, 0, 0, e.code);
  // Organic traffic comes first and from its own stream, so a seed's organic traffic is the same whatever the episode.
  organicTraffic(new Rng(seed, 'organic'), b);
  const window = { earliest: world.startMs + LEAD_IN_MS, latest: world.endMs - TAIL_MS };
  const rng = new Rng(seed, `episode:${scenario.episode}`);
  const episode =
    scenario.episode === 'none'
      ? null
      : isRaid(scenario.episode)
        ? runRaid(rng, b, scenario.episode, window)
        : runSurge(rng, b, scenario.episode, window);
  const trace = {
    guildId: world.guildId,
    events: finish(world, b.events),
    labels: episode ? [episode.label] : [],
  };
  return { trace, world, episode };
}

/** Generator A: one guild's domain-randomized trace and labels; see README.md for every drawn range. */
export const generateA: TraceGenerator = (scenario) => generateAWithTruth(scenario).trace;
