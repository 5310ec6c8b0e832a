import type { JoinTraceEvent, TraceLabel } from '@chat-guard/join-trace';

/** The raid families a detector must catch. */
export const RAID_FAMILIES = ['fast-flood', 'multi-invite', 'aged-accounts', 'slow-drip'] as const;
/** The kinds of organic surge a detector must leave alone. */
export const SURGE_KINDS = ['shout-out', 'trending', 'launch'] as const;

export type RaidFamily = (typeof RAID_FAMILIES)[number];
export type SurgeKind = (typeof SURGE_KINDS)[number];
/** What one generated guild trace holds besides organic traffic: nothing, one raid or one surge. */
export type Episode = 'none' | RaidFamily | SurgeKind;

export const EPISODES: readonly Episode[] = ['none', ...RAID_FAMILIES, ...SURGE_KINDS];

export interface GuildScenario {
  /** Every random draw of the trace follows from it: the same scenario gives the same trace. */
  readonly seed: number;
  /** The episode to place in the guild's traffic, if any. */
  readonly episode: Episode;
  /** How long the trace runs. An episode starts no earlier than 2 hours in. */
  readonly hours: number;
  /** When the trace starts, ms since the Unix epoch. */
  readonly startMs: number;
}

/** One guild's trace (JOIN_TRACE format, in `ts` order) and its labels, kept apart as the format asks. */
export interface GuildTrace {
  readonly guildId: string;
  readonly events: JoinTraceEvent[];
  readonly labels: TraceLabel[];
}

/** A traffic generator: one guild, one scenario, drawn from its own idea of the world. */
export type TraceGenerator = (scenario: GuildScenario) => GuildTrace;
