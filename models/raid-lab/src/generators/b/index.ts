import type { Episode, GuildScenario, GuildTrace, TraceGenerator } from '../scenario.ts';
import { drawRegulars } from './accounts.ts';
import { finishTrace } from './finish.ts';
import { launch, trending } from './growth.ts';
import { drawGuild, type GuildProfile } from './guild.ts';
import { IdMint } from './ids.ts';
import { InviteBook } from './invites.ts';
import { organicTraffic } from './organic.ts';
import { runRaid } from './raid.ts';
import { Rng } from './rng.ts';
import type { EpisodeResult, Scene } from './scene.ts';
import { shoutOut } from './shoutOut.ts';
import { World } from './world.ts';

export { drawGuild, type GuildProfile } from './guild.ts';
export { createdAtOf } from './ids.ts';
export type { EpisodeResult } from './scene.ts';

const DAY = 86_400_000;
/** 2016-01-01: traces start after Discord has been around for a while. */
const EARLIEST_START_MS = 1_451_606_400_000;

const EPISODES: Record<Exclude<Episode, 'none'>, (scene: Scene, rng: Rng) => EpisodeResult> = {
  'fast-flood': (scene, rng) => runRaid(scene, rng, 'fast-flood'),
  'multi-invite': (scene, rng) => runRaid(scene, rng, 'multi-invite'),
  'aged-accounts': (scene, rng) => runRaid(scene, rng, 'aged-accounts'),
  'slow-drip': (scene, rng) => runRaid(scene, rng, 'slow-drip'),
  'shout-out': shoutOut,
  trending,
  launch,
};

/** Generator B's trace with what it drew: the guild and the episode's accounts (ground truth for tests and audits). */
export interface GeneratedGuild {
  readonly trace: GuildTrace;
  readonly profile: GuildProfile;
  readonly episode: EpisodeResult | null;
}

function checkScenario({ seed, hours, startMs }: GuildScenario): void {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (!(Number.isFinite(hours) && hours > 0)) throw new RangeError(`hours must be positive, got ${hours}`);
  if (!(Number.isInteger(startMs) && startMs >= EARLIEST_START_MS))
    throw new RangeError(`startMs must be an integer ms time from 2016 on, got ${startMs}`);
}

/** The guild's fixed parts: ids, channels, long-standing members, standing invites. */
function buildScene(scenario: GuildScenario, profile: GuildProfile): Scene {
  const { seed, startMs, hours } = scenario;
  const setup = new Rng(seed, 'setup');
  const ids = new IdMint(new Rng(seed, 'ids'));
  const createdMs = startMs - setup.logRange(30 * DAY, Math.max(31 * DAY, startMs - EARLIEST_START_MS));
  const guildId = ids.at(createdMs);
  // #general, #welcome and one to six more.
  const all = Array.from({ length: 2 + setup.int(1, 6) }, () => ids.at(createdMs + setup.range(0, 30 * DAY)));
  const [general = guildId, welcome = guildId] = all;
  const world = new World(guildId, startMs, startMs + Math.floor(hours * 3_600_000), ids, {
    general,
    welcome,
    all,
  });
  const regulars = drawRegulars(setup, ids, profile, startMs);
  const invites = new InviteBook(world, profile, regulars);
  invites.openStanding(setup, profile.joinsPerDay * profile.memberInviteShare);
  return { profile, world, invites, regulars };
}

/** Generates one guild's trace and labels, keeping what it drew. */
export function generateBWithTruth(scenario: GuildScenario): GeneratedGuild {
  checkScenario(scenario);
  const profile = drawGuild(scenario.seed);
  const scene = buildScene(scenario, profile);
  organicTraffic(scene, new Rng(scenario.seed, 'organic'));
  const episode =
    scenario.episode === 'none'
      ? null
      : EPISODES[scenario.episode](scene, new Rng(scenario.seed, `episode/${scenario.episode}`));
  const events = finishTrace(scene.world, profile.members, profile.vanityCode);
  return {
    trace: { guildId: scene.world.guildId, events, labels: episode ? [episode.label] : [] },
    profile,
    episode,
  };
}

/** Generator B: one guild drawn from the seed, its organic traffic, and the scenario's raid or surge. */
export const generateB: TraceGenerator = (scenario) => generateBWithTruth(scenario).trace;
