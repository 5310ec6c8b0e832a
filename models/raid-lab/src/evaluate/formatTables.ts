import { RAID_FAMILIES, SURGE_KINDS } from '../generators/scenario.ts';
import { REPORT_GENERATORS } from '../protocol.ts';
import type { Figures } from './figures.ts';
import type { EvalReport } from './report.ts';

/** A Markdown table from a header and rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const pct = (x: number) => x.toFixed(2);
const secs = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)} s`);

function row(label: string, f: Figures): string[] {
  const fam = (name: string) => {
    const x = f.families[name];
    return x ? `${pct(x.recall)} (${secs(x.medianS)})` : '–';
  };
  const kinds = (name: string) => {
    const x = f.surgeKinds[name];
    return x ? `${x.locked}+${x.gateOnly}/${x.n}` : '–';
  };
  return [
    label,
    pct(f.recall),
    ...RAID_FAMILIES.map(fam),
    ...SURGE_KINDS.map(kinds),
    `${f.surgesLocked} / ${f.surges}`,
    `${f.surgesGateOnly} / ${f.surges}`,
    f.lockdownsPer1000.toFixed(1),
    f.gatesPer1000.toFixed(1),
  ];
}

/**
 * The cross-generator table: trained on A, thresholds from B, reported on fresh seeds of A and
 * of B, per raid family (recall and median time to the first step) and surge kind (locked +
 * gate only / n), with steps outside any episode per 1,000 guild-days.
 */
export function crossGeneratorTable(report: EvalReport): string {
  const header = [
    'report set · detector',
    'recall',
    ...RAID_FAMILIES,
    ...SURGE_KINDS.map((k) => `${k} (locked+gated/n)`),
    'surges locked',
    'surges gate only',
    'lockdowns /1000 gd',
    'gates /1000 gd',
  ];
  const rows = REPORT_GENERATORS.flatMap((g) => [
    row(
      `${g} (seeds ${report.sets[g].seeds}, ${report.sets[g].organicDays} organic days) · model`,
      report.model[g],
    ),
    row(`${g} · 10 joins in 10 s`, report.baseline[g]),
  ]);
  return markdownTable(header, rows);
}

export function featureAucTable(report: EvalReport): string {
  const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(2));
  return markdownTable(
    ['feature', 'AUC raid vs surge, A', 'AUC raid vs surge, B', 'flips (A against B)', 'AUC, C'],
    report.featureAuc.map((f) => [f.name, fmt(f.A), fmt(f.B), f.flips ? 'yes' : '', fmt(f.C)]),
  );
}
