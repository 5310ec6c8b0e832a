import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baselineDetectors, loadTfScorer, policyFromMetadata } from '@chat-guard/anomaly-detector';
import { baselineContenders, MODEL_THRESHOLDS, modelContender } from './contenders.ts';
import {
  type DetectorFigures,
  FALSE_LOCKDOWN_BUDGET,
  figuresOf,
  type Tally,
  tallyTraces,
} from './evaluate.ts';
import { formatTable } from './formatTable.ts';
import { writePlots } from './plots.ts';
import type { LabelledTrace } from './syntheticTraces.ts';

export interface EvalOptions {
  readonly modelDir: string;
  readonly traces: () => Iterable<LabelledTrace>;
  readonly plotsDir?: string;
  /** Write the figures into the model's metadata.json as its held-out evaluation. */
  readonly record: boolean;
  readonly progress: (line: string) => void;
}

/**
 * Evaluates the model at its threshold beside the four baselines at theirs (both chosen on
 * validation data when it was trained), on held-out traces, and returns the table. Every
 * detector is replayed across all its thresholds too, for the trade-off plot.
 */
export async function runEval(options: EvalOptions): Promise<{ table: string; figures: DetectorFigures[] }> {
  const scorer = await loadTfScorer(options.modelDir);
  const { metadata } = scorer;
  const base = policyFromMetadata(metadata);
  const chosen = metadata.baselineThresholds ?? baselineDetectors().map((d) => d.threshold);
  const thresholds = [...new Set([...MODEL_THRESHOLDS, metadata.threshold])].sort((a, b) => a - b);
  const swept = baselineContenders();
  const contenders = [
    modelContender(`model (threshold ${metadata.threshold})`, scorer, thresholds, base),
    ...swept.map((c, i) => ({
      ...c,
      thresholds: [...new Set([...c.thresholds, chosen[i] ?? 0])].sort((a, b) => a - b),
    })),
  ];
  const operating = [metadata.threshold, ...chosen];
  const at = (i: number) => contenders[i]?.thresholds.indexOf(operating[i] ?? Number.NaN) ?? -1;
  const { tallies, episodes } = await tallyTraces(options.traces(), contenders, options.progress, {
    contender: 0,
    threshold: at(0),
  });
  const names = [contenders[0]?.name ?? 'model', ...baselineContenders(chosen).map((c) => c.name)];
  const figures = contenders.map((_, i) =>
    figuresOf(names[i] ?? '', operating[i] ?? 0, tallies[i]?.[at(i)] as Tally),
  );
  if (options.plotsDir) {
    const curves = contenders.map((c, i) => ({
      detector: names[i] ?? c.name,
      chosen: operating[i] ?? 0,
      points: c.thresholds.map((threshold, k) => {
        const f = figuresOf(c.name, threshold, tallies[i]?.[k] as Tally);
        return {
          threshold,
          falsePer1000GuildDays: f.falseLockdownsPer1000GuildDays,
          recall: f.overall.recall,
        };
      }),
    }));
    const file = await writePlots(options.plotsDir, {
      curves,
      episodes,
      threshold: metadata.threshold,
      budget: FALSE_LOCKDOWN_BUDGET,
    });
    options.progress(`wrote ${file}`);
  }
  if (options.record) {
    const path = join(options.modelDir, 'metadata.json');
    const stored = JSON.parse(await readFile(path, 'utf8')) as { evaluation: Record<string, unknown> };
    stored.evaluation.heldOut = { model: figures[0], baselines: figures.slice(1) };
    await writeFile(path, `${JSON.stringify(stored, null, 2)}\n`);
    options.progress(`recorded the figures in ${path}`);
  }
  return { table: formatTable(figures), figures };
}
