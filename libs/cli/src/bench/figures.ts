// The benchmark's figures from what it recorded: pure functions, no clock, no bus.
import type { BotAction, RestCall } from '@chat-guard/sandbox';
import { quantile } from './stats.ts';

/** When each message was first deleted (ms), by single or bulk delete, from the sandbox's action log. */
export function firstDeletions(actions: readonly BotAction[]): Map<string, number> {
  const deleted = new Map<string, number>();
  for (const a of actions) {
    if (a.kind !== 'message.deleted' && a.kind !== 'messages.bulkDeleted') continue;
    for (const id of a.messageIds ?? []) if (!deleted.has(id)) deleted.set(id, a.at);
  }
  return deleted;
}

const SINGLE_DELETE = /^\/channels\/\d+\/messages\/(\d+)$/;

/**
 * REST calls made again for an action already asked for: a message deleted (or asked to be,
 * whatever the answer) more than once, singly or in a bulk delete, and a member timed out twice
 * until the same moment. Answers of 429 are not counted: the call was refused, not made.
 */
export function duplicateActions(actions: readonly BotAction[], calls: readonly RestCall[]): number {
  const deletes = new Map<string, number>();
  const timeouts = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const call of calls) {
    const id =
      call.method === 'DELETE' && call.status !== 429 ? SINGLE_DELETE.exec(call.path)?.[1] : undefined;
    if (id) count(deletes, id);
  }
  for (const a of actions) {
    if (a.kind === 'messages.bulkDeleted') for (const id of a.messageIds ?? []) count(deletes, id);
    if (a.kind === 'member.timedOut') count(timeouts, `${a.guildId}:${a.userId}:${String(a.data.until)}`);
  }
  let extra = 0;
  for (const map of [deletes, timeouts]) for (const n of map.values()) extra += Math.max(0, n - 1);
  return extra;
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

function percentiles(values: readonly number[]): Percentiles {
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99), samples: values.length };
}

/** One violation's times (ms): posted in the sandbox, stored in DISCORD, stored in VERDICTS, deleted. */
export interface ViolationTimes {
  readonly postedAt: number;
  readonly discordAt: number;
  readonly verdictAt: number;
  readonly deletedAt: number;
}

/** Receipt (DISCORD stored) to the enforcer's delete call, and each stage on the way. */
export function latencyFigures(times: readonly ViolationTimes[]) {
  return {
    total: percentiles(times.map((t) => t.deletedAt - t.discordAt)),
    gateway: percentiles(times.map((t) => t.discordAt - t.postedAt)),
    contentFilter: percentiles(times.map((t) => t.verdictAt - t.discordAt)),
    enforcer: percentiles(times.map((t) => t.deletedAt - t.verdictAt)),
  };
}

/** The wave's figures: seconds from its last message to its last deletion, and REST calls per violation. */
export function waveFigures(
  wave: { readonly ids: readonly string[]; readonly lastAt: number },
  deletions: ReadonlyMap<string, number>,
  restCalls: number,
) {
  const deletedAt = wave.ids.map((id) => deletions.get(id));
  const done = deletedAt.filter((at): at is number => at !== undefined);
  return {
    deleted: done.length,
    notDeleted: wave.ids.length - done.length,
    // Not cleared while any message stays: no figure (null in JSON) rather than a flattering one.
    clearS:
      done.length === 0 || done.length < wave.ids.length
        ? Number.NaN
        : Math.max(0, Math.max(...done) - wave.lastAt) / 1000,
    restPerViolation: wave.ids.length === 0 ? Number.NaN : restCalls / wave.ids.length,
  };
}

/** REST calls by method and route (ids replaced by `:id`), most first: where the calls go. */
export function callsByRoute(calls: readonly RestCall[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const route = `${c.method} ${c.path.replace(/\d{5,}/g, ':id')}${c.status === 429 ? ' (429)' : ''}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}
