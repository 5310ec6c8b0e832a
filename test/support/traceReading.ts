import type { JoinTraceEvent, MemberJoinedEvent } from '@chat-guard/join-trace';

/** The joins of a trace, in its order. */
export const joinsOf = (events: readonly JoinTraceEvent[]): MemberJoinedEvent[] =>
  events.filter((e): e is MemberJoinedEvent => e.type === 'member.joined');

/** The account creation time a user id encodes, by the formula of the join-trace page. */
export const createdAt = (userId: string): number => Number((BigInt(userId) >> 22n) + 1_420_070_400_000n);
