import type { DetectorFigures } from './evaluate.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const secs = (ms: number) => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);

/**
 * The comparison as a Markdown table: per raid family and overall, each detector's row beside
 * the others', so the model's figures sit next to the baselines' for the same raids.
 */
export function formatTable(results: readonly DetectorFigures[]): string {
  const rows = [
    '| detector | raids | recall | median to lockdown | p95 | joins admitted (median) | false lockdowns / 1,000 guild-days | surges locked |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const families = [...new Set(results.flatMap((r) => r.families.map((f) => f.family)))].sort();
  for (const family of [...families, 'all raids']) {
    for (const r of results) {
      const f = family === 'all raids' ? r.overall : r.families.find((x) => x.family === family);
      if (!f) continue;
      const overall = f === r.overall;
      const tail = overall
        ? `${r.falseLockdownsPer1000GuildDays.toFixed(1)} (${r.falseLockdowns} in ${r.guildDays.toFixed(0)}) | ${pct(r.surgesLockedShare)}`
        : ' | ';
      rows.push(
        `| ${r.detector}${overall ? '' : ` · ${f.family}`} | ${f.raids} | ${pct(f.recall)} | ${secs(f.medianToLockdownMs)} | ${secs(f.p95ToLockdownMs)} | ${Number.isNaN(f.admittedMedian) ? '–' : f.admittedMedian} | ${tail} |`,
      );
    }
  }
  return rows.join('\n');
}
