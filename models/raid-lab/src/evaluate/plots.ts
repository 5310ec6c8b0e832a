import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { REPORT_GENERATORS } from '../protocol.ts';
import type { EvalReport } from './report.ts';

/** Renders a Vega-Lite spec to SVG (real axes, ticks and a legend, no browser needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Per-family recall and per-kind surge outcomes, model against baseline, on both report sets. */
export function recallSpec(report: EvalReport): TopLevelSpec {
  const values = REPORT_GENERATORS.flatMap((g) =>
    (['model', 'baseline'] as const).flatMap((who) =>
      Object.entries(report[who][g].families).map(([family, f]) => ({
        generator: `generator ${g}`,
        detector: who === 'model' ? 'model' : '10 joins in 10 s',
        family,
        recall: f.recall,
      })),
    ),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Recall per raid family (report seeds)',
    data: { values },
    mark: 'bar',
    encoding: {
      column: { field: 'generator', type: 'nominal', title: null },
      x: { field: 'family', type: 'nominal', title: 'raid family', axis: { labelAngle: -30 } },
      xOffset: { field: 'detector' },
      y: { field: 'recall', type: 'quantitative', scale: { domain: [0, 1] }, title: 'recall' },
      color: { field: 'detector', type: 'nominal', legend: { orient: 'bottom', title: null } },
    },
    width: 260,
    height: 200,
  };
}

export function surgeSpec(report: EvalReport): TopLevelSpec {
  const values = REPORT_GENERATORS.flatMap((g) =>
    Object.entries(report.model[g].surgeKinds).flatMap(([kind, s]) => [
      { generator: `generator ${g}`, kind, outcome: 'lockdown', share: s.locked / s.n },
      { generator: `generator ${g}`, kind, outcome: 'gate only', share: s.gateOnly / s.n },
      { generator: `generator ${g}`, kind, outcome: 'untouched', share: (s.n - s.locked - s.gateOnly) / s.n },
    ]),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'What the model did to organic surges (report seeds)',
    data: { values },
    mark: 'bar',
    encoding: {
      column: { field: 'generator', type: 'nominal', title: null },
      x: { field: 'kind', type: 'nominal', title: 'surge kind', axis: { labelAngle: 0 } },
      y: {
        field: 'share',
        type: 'quantitative',
        stack: 'normalize',
        title: 'share of surges',
        axis: { format: '%' },
      },
      color: {
        field: 'outcome',
        type: 'nominal',
        scale: { domain: ['untouched', 'gate only', 'lockdown'], range: ['#9ecae1', '#fdae6b', '#d62728'] },
        legend: { orient: 'bottom', title: null },
      },
    },
    width: 220,
    height: 200,
  };
}

export function aucSpec(report: EvalReport): TopLevelSpec {
  const values = report.featureAuc.flatMap((f) => [
    { feature: f.name, generator: 'A', auc: f.A ?? 0.5 },
    { feature: f.name, generator: 'B', auc: f.B ?? 0.5 },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Raid-against-surge AUC of each feature',
    data: { values },
    layer: [
      {
        mark: 'point',
        encoding: {
          y: { field: 'feature', type: 'nominal', sort: null, title: null },
          x: {
            field: 'auc',
            type: 'quantitative',
            scale: { domain: [0, 1] },
            title: 'AUC (0.5 = says nothing)',
          },
          color: { field: 'generator', type: 'nominal', legend: { orient: 'bottom', title: 'generator' } },
          shape: { field: 'generator', type: 'nominal' },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { x: { datum: 0.5 } } },
    ],
    width: 360,
  } as TopLevelSpec;
}

/** Writes recall.svg, surges.svg and feature-auc.svg into `dir`; returns their paths. */
export async function writePlots(report: EvalReport, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, TopLevelSpec][] = [
    ['recall.svg', recallSpec(report)],
    ['surges.svg', surgeSpec(report)],
    ['feature-auc.svg', aucSpec(report)],
  ];
  const written: string[] = [];
  for (const [name, spec] of files) {
    const path = join(dir, name);
    await writeFile(path, await renderSvg(spec));
    written.push(path);
  }
  return written;
}
