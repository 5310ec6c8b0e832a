import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTfScorer, policyFromMetadata, replayTrace } from '@chat-guard/anomaly-detector';
import { checkTraceGaps, parseJoinTrace } from '@chat-guard/sandbox';
import { type Command, stringOption, UsageError } from '../command.ts';
import { repoRoot } from '../services.ts';

export const replayCommand: Command = {
  name: 'replay',
  summary: "Run the raid detector's decision code over a join trace and print its decisions",
  positionals: '<trace.jsonl>',
  options: {
    model: {
      type: 'string',
      description: 'Model directory',
      default: join(repoRoot, 'models/raid-detector'),
    },
    'max-gap-hours': {
      type: 'string',
      description: 'Refuse a trace with a longer gap between two events (the replay ticks every second)',
      default: '24',
    },
  },
  details: [
    "Reads a join trace (JOIN_TRACE.md), runs exactly the detector's windows, features, model and",
    'hysteresis on a simulated clock (one tick a second), and writes one JSON line per decision:',
    '  {"ts","guildId","decision":"lockdown.start"|"lockdown.end","score","reasons":[...]}',
    'and nothing else to stdout. The same trace and model always give the same decisions.',
  ].join('\n'),
  async run(args) {
    const [path, ...rest] = args.positionals;
    if (!path || rest.length > 0) throw new UsageError('name one trace file');
    const maxGapHours = Number(stringOption(args, 'max-gap-hours'));
    if (!(maxGapHours > 0)) throw new UsageError('--max-gap-hours takes a positive number of hours');
    const events = parseJoinTrace(await readFile(path, 'utf8'));
    checkTraceGaps(events, maxGapHours * 3_600_000);
    const scorer = await loadTfScorer(stringOption(args, 'model'));
    for (const d of await replayTrace(events, scorer, policyFromMetadata(scorer.metadata))) {
      const score = Math.round(d.score * 1000) / 1000;
      console.log(
        JSON.stringify({ ts: d.ts, guildId: d.guildId, decision: d.decision, score, reasons: d.reasons }),
      );
    }
    return 0;
  },
};
