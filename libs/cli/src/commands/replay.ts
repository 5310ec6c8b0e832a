import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTfScorer, policyFromMetadata, replayTrace } from '@chat-guard/anomaly-detector';
import { parseJoinTrace } from '@chat-guard/join-trace';
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
  },
  details: [
    "Reads a join trace (docs/join-trace.md), runs exactly the live detector's windows, features,",
    'calibrated model and graduated response on a simulated clock (one tick a second while a guild',
    'is active; idle time between events is skipped), and writes one JSON line per decision:',
    '  {"ts","guildId","decision","score","reasons":[...]}',
    'where decision is gate.start / gate.end (the gentle step: newcomers must verify) or',
    'lockdown.start / lockdown.end (the strong step), and nothing else to stdout. The same trace',
    'and model always give the same decisions.',
  ].join('\n'),
  async run(args) {
    const [path, ...rest] = args.positionals;
    if (!path || rest.length > 0) throw new UsageError('name one trace file');
    const events = parseJoinTrace(await readFile(path, 'utf8'));
    const scorer = await loadTfScorer(stringOption(args, 'model'));
    const score = (vector: readonly number[]) => scorer.scoreOne(vector);
    for (const d of replayTrace(events, score, policyFromMetadata(scorer.metadata))) {
      const rounded = Math.round(d.score * 1000) / 1000;
      console.log(
        JSON.stringify({
          ts: d.ts,
          guildId: d.guildId,
          decision: d.decision,
          score: rounded,
          reasons: d.reasons,
        }),
      );
    }
    return 0;
  },
};
