import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJoinTrace, parseLabels } from '@chat-guard/join-trace';
import type { LabelledTrace } from './protocol.ts';

const HOUR_MS = 3_600_000;

/**
 * An exported trace directory (`trace.jsonl` + `labels.jsonl`, as `model export` writes) as a
 * labelled trace. Its guild time counts each guild from its first event to the trace's last.
 */
export async function readTraceDir(dir: string): Promise<LabelledTrace> {
  const events = parseJoinTrace(await readFile(join(dir, 'trace.jsonl'), 'utf8'));
  const labels = parseLabels(await readFile(join(dir, 'labels.jsonl'), 'utf8'));
  const firstSeen = new Map<string, number>();
  for (const e of events) if (!firstSeen.has(e.guildId)) firstSeen.set(e.guildId, e.ts);
  const last = events.at(-1)?.ts ?? 0;
  let hours = 0;
  for (const first of firstSeen.values()) hours += (last - first) / HOUR_MS;
  return {
    name: `exported:${dir}`,
    guildId: events[0]?.guildId ?? '',
    events,
    labels,
    episode: 'none',
    hours,
  };
}
