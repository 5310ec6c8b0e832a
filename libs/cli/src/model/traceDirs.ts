import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJoinTrace, parseLabels } from '@chat-guard/sandbox';
import type { LabelledTrace } from './syntheticTraces.ts';

const DAY_MS = 86_400_000;

/**
 * An exported trace directory (`trace.jsonl` + `labels.jsonl`, as `model export` writes) as a
 * labelled trace. Its guild-days count each guild from its first event to the trace's last.
 */
export async function readTraceDir(dir: string): Promise<LabelledTrace> {
  const events = parseJoinTrace(await readFile(join(dir, 'trace.jsonl'), 'utf8'));
  const labels = parseLabels(await readFile(join(dir, 'labels.jsonl'), 'utf8'));
  const firstSeen = new Map<string, number>();
  for (const e of events) if (!firstSeen.has(e.guildId)) firstSeen.set(e.guildId, e.ts);
  const last = events.at(-1)?.ts ?? 0;
  let guildDays = 0;
  for (const first of firstSeen.values()) guildDays += (last - first) / DAY_MS;
  return { name: `exported:${dir}`, events, labels, guildDays };
}
