import {
  formatJoinTrace,
  formatLabels,
  type JoinTraceEvent,
  type MemberJoinedEvent,
  parseJoinTrace,
  parseLabels,
} from '@chat-guard/join-trace';
import { expect } from 'vitest';
import type {
  GuildScenario,
  GuildTrace,
  TraceGenerator,
} from '../../models/raid-lab/src/generators/scenario.ts';

/** The joins of a trace, in its order. */
export const joinsOf = (events: readonly JoinTraceEvent[]): MemberJoinedEvent[] =>
  events.filter((e): e is MemberJoinedEvent => e.type === 'member.joined');

/** The account creation time a user id encodes, by the formula of the join-trace page. */
export const createdAt = (userId: string): number => Number((BigInt(userId) >> 22n) + 1_420_070_400_000n);

/** The trace and its labels read back through the join-trace format exactly as written. */
export function expectReadBackAsWritten(trace: GuildTrace): void {
  expect(parseJoinTrace(formatJoinTrace(trace.events))).toEqual(trace.events);
  expect(parseLabels(formatLabels(trace.labels))).toEqual(trace.labels);
}

/**
 * The same scenario gives byte-identical events and labels, another seed another guild and
 * another trace.
 */
export function expectSeeded(generate: TraceGenerator, scenario: GuildScenario): void {
  const once = generate(scenario);
  const again = generate(scenario);
  expect(formatJoinTrace(again.events)).toBe(formatJoinTrace(once.events));
  expect(formatLabels(again.labels)).toBe(formatLabels(once.labels));
  const other = generate({ ...scenario, seed: scenario.seed + 1 });
  expect(other.guildId).not.toBe(once.guildId);
  expect(formatJoinTrace(other.events)).not.toBe(formatJoinTrace(once.events));
}
