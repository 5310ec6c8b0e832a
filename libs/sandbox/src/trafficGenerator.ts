import type { JoinTraceEvent, TraceLabel } from '@chat-guard/join-trace';
import { chatLine } from './names.ts';
import { Prng } from './prng.ts';
import { TrafficBuilder, type TrafficGuild } from './trafficBuilder.ts';
import { EPISODES, type EpisodeFamily } from './trafficEpisodes.ts';

export type { TrafficGuild } from './trafficBuilder.ts';

/** Scenario names: background traffic only, one family everywhere, or a mix across guilds. */
export const SCENARIOS = [
  'quiet',
  'organic',
  'shout-out',
  'fast-flood',
  'slow-drip',
  'aged-accounts',
  'multi-invite',
  'mixed',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface TrafficOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly durationMs: number;
  readonly guilds: readonly TrafficGuild[];
  readonly scenario: ScenarioName;
  /** Multiplies background chat and joins (default 1: about 12 messages a minute and 20 joins an hour per guild). */
  readonly rate?: number;
}

/** Generated traffic: the join trace events, time-ordered, and the labelled raid and surge windows. */
export interface TrafficPlan {
  readonly events: JoinTraceEvent[];
  readonly labels: TraceLabel[];
}

const CHAT_PER_MIN = 12;
const JOINS_PER_HOUR = 20;

/** True when `name` is a scenario the generator knows. */
export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

function familyFor(scenario: ScenarioName, index: number): EpisodeFamily | null {
  if (scenario === 'quiet' || scenario === 'organic') return null;
  if (scenario !== 'mixed') return scenario;
  const families: (EpisodeFamily | null)[] = [
    'fast-flood',
    'shout-out',
    'slow-drip',
    'aged-accounts',
    'multi-invite',
    null,
  ];
  return families[index % families.length] ?? null;
}

/** Generates seeded traffic for many guilds: the same options always give the same plan. */
export function generateTraffic(options: TrafficOptions): TrafficPlan {
  const rate = options.rate ?? 1;
  const root = new Prng(options.seed);
  const usedIds = new Set<string>();
  const events: JoinTraceEvent[] = [];
  const labels: TraceLabel[] = [];
  const endMs = options.startMs + options.durationMs;
  options.guilds.forEach((guild, index) => {
    const b = new TrafficBuilder(guild, root.fork(`traffic-${guild.guildId}`), usedIds, options.startMs);
    const { rng } = b;
    b.events.push({
      type: 'guild',
      ts: options.startMs,
      guildId: guild.guildId,
      memberCount: guild.memberIds.length,
      vanityCode: guild.vanityCode,
    });
    for (let i = 0; i < 2; i++)
      b.invite(options.startMs, guild.inviterIds.length ? rng.pick(guild.inviterIds) : null);
    // Background: chat and organic joins as Poisson processes, merged in time order.
    const chatRate = (CHAT_PER_MIN * rate) / 60_000;
    const joinRate = options.scenario === 'quiet' ? 0 : (JOINS_PER_HOUR * rate) / 3_600_000;
    let nextChat = options.startMs + (chatRate > 0 ? rng.exponential(chatRate) : Infinity);
    let nextJoin = options.startMs + (joinRate > 0 ? rng.exponential(joinRate) : Infinity);
    const background: { ts: number; run: () => void }[] = [];
    while (nextChat < endMs || nextJoin < endMs) {
      if (nextChat <= nextJoin) {
        const ts = Math.floor(nextChat);
        background.push({ ts, run: () => b.chat(ts) });
        nextChat += rng.exponential(chatRate);
      } else {
        const ts = Math.floor(nextJoin);
        background.push({ ts, run: () => organicJoin(b, ts, endMs) });
        nextJoin += rng.exponential(joinRate);
      }
    }
    const family = familyFor(options.scenario, index);
    const episodeStart = Math.floor(options.startMs + options.durationMs * rng.float(0.1, 0.3));
    let episodeRun = false;
    for (const item of background) {
      if (family && !episodeRun && item.ts >= episodeStart) {
        EPISODES[family](b, episodeStart, endMs);
        episodeRun = true;
      }
      item.run();
    }
    if (family && !episodeRun) EPISODES[family](b, episodeStart, endMs);
    events.push(...b.events.filter((e) => e.ts < endMs));
    labels.push(...b.labels);
  });
  // Stable sort: events at the same time keep the order they were generated in.
  events.sort((a, b) => a.ts - b.ts);
  return { events, labels };
}

function organicJoin(b: TrafficBuilder, ts: number, endMs: number): void {
  const account = b.organicAccount(ts, b.organicAgeMs());
  b.join(ts, account, b.organicInvite());
  let lastActivity = ts;
  if (b.rng.chance(0.3)) {
    lastActivity = ts + Math.floor(b.rng.float(30_000, 600_000));
    if (lastActivity < endMs)
      b.message(lastActivity, account.userId, b.rng.chance(0.5) ? 'hi everyone!' : chatLine(b.rng));
  }
  if (b.rng.chance(0.05)) {
    const at = lastActivity + Math.floor(b.rng.float(60_000, 1_800_000));
    if (at < endMs) b.leave(at, account.userId);
  }
}
