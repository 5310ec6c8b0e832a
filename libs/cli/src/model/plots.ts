import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeTrace } from './evaluate.ts';

/** One detector's trade-off: recall against false lockdowns at each threshold, and the one chosen. */
export interface TradeOff {
  readonly detector: string;
  readonly points: { threshold: number; falsePer1000GuildDays: number; recall: number }[];
  readonly chosen: number;
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const f1 = (x: number) => x.toFixed(1);

/** Recall against false lockdowns per 1,000 guild-days (on a log(1 + x) axis), one line per detector. */
function tradeOffSvg(curves: readonly TradeOff[], budget: number): string {
  const [w, h, m] = [640, 360, 50];
  const maxX = Math.max(10, ...curves.flatMap((c) => c.points.map((p) => p.falsePer1000GuildDays)));
  const x = (v: number) => m + (Math.log10(1 + v) / Math.log10(1 + maxX)) * (w - 2 * m);
  const y = (v: number) => h - m - v * (h - 2 * m);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="recall against false lockdowns">`,
    `<line x1="${m}" y1="${y(0)}" x2="${w - m}" y2="${y(0)}" stroke="#333"/><line x1="${m}" y1="${y(0)}" x2="${m}" y2="${y(1)}" stroke="#333"/>`,
    `<line x1="${f1(x(budget))}" y1="${y(0)}" x2="${f1(x(budget))}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${f1(x(budget) + 4)}" y="${y(1) + 12}" font-size="11">budget: ${budget} / 1,000 guild-days</text>`,
    `<text x="${w / 2}" y="${h - 12}" font-size="12" text-anchor="middle">false lockdowns per 1,000 guild-days (log scale)</text>`,
    `<text x="14" y="${h / 2}" font-size="12" transform="rotate(-90 14 ${h / 2})" text-anchor="middle">recall</text>`,
  ];
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = [...c.points].sort(
      (a, b) => a.falsePer1000GuildDays - b.falsePer1000GuildDays || a.recall - b.recall,
    );
    parts.push(
      `<polyline data-series="${esc(c.detector)}" fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${f1(x(p.falsePer1000GuildDays))},${f1(y(p.recall))}`).join(' ')}"/>`,
    );
    for (const p of c.points) {
      const chosen = p.threshold === c.chosen;
      parts.push(
        `<circle cx="${f1(x(p.falsePer1000GuildDays))}" cy="${f1(y(p.recall))}" r="${chosen ? 6 : 3}" fill="${chosen ? 'none' : colour}" stroke="${colour}"><title>${esc(c.detector)} at ${p.threshold}: recall ${Math.round(p.recall * 100)}%, ${f1(p.falsePer1000GuildDays)} false / 1,000 guild-days</title></circle>`,
      );
    }
    parts.push(
      `<text x="${w - m - 200}" y="${m + i * 15}" font-size="11" fill="${colour}">${esc(c.detector)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The model's score around one raid or surge: the labelled window shaded, the threshold dashed, the lockdown marked. */
function episodeSvg(e: EpisodeTrace, threshold: number, index: number): string {
  const [w, h, m] = [360, 150, 28];
  const from = e.label.start - 5 * 60_000;
  const to = e.label.end + 5 * 60_000;
  const x = (t: number) => m + ((t - from) / (to - from)) * (w - 2 * m);
  const y = (v: number) => h - m - v * (h - 2 * m);
  // Ticks where the guardrail kept the score from mattering were not scored: break the line there.
  const runs: [number, number][][] = [];
  for (const [t, s] of e.scores) {
    const run = runs.at(-1);
    const prev = run?.at(-1);
    if (run && prev && t - prev[0] <= 5_000) run.push([t, s]);
    else runs.push([[t, s]]);
  }
  const title = `${e.label.type} · ${e.label.family} · ${e.trace} · guild ${e.label.guildId}`;
  const outcome =
    e.lockdownAt === null
      ? 'no lockdown'
      : `lockdown after ${Math.round((e.lockdownAt - e.label.start) / 1000)} s`;
  return [
    `<figure><figcaption>${esc(title)}: ${outcome}</figcaption>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" data-episode="${index}" data-type="${e.label.type}" data-family="${esc(e.label.family)}">`,
    `<rect x="${f1(x(e.label.start))}" y="${y(1)}" width="${f1(Math.max(1, x(e.label.end) - x(e.label.start)))}" height="${y(0) - y(1)}" fill="${e.label.type === 'raid' ? '#fdd' : '#def'}"/>`,
    `<line x1="${m}" y1="${y(0)}" x2="${w - m}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${m}" y1="${f1(y(threshold))}" x2="${w - m}" y2="${f1(y(threshold))}" stroke="#999" stroke-dasharray="4 3"/>`,
    ...runs.map(
      (run) =>
        `<polyline data-series="score" fill="none" stroke="#d62728" stroke-width="1.5" points="${run.map(([t, s]) => `${f1(x(t))},${f1(y(s))}`).join(' ')}"/>`,
    ),
    e.lockdownAt === null
      ? ''
      : `<line data-series="lockdown" x1="${f1(x(e.lockdownAt))}" y1="${y(0)}" x2="${f1(x(e.lockdownAt))}" y2="${y(1)}" stroke="#000"/>`,
    `<text x="${m}" y="${h - 8}" font-size="10">−5 min</text><text x="${w - m}" y="${h - 8}" font-size="10" text-anchor="end">+5 min after the last join</text>`,
    '</svg></figure>',
  ].join('\n');
}

/**
 * Writes `dir/eval.html`: a self-contained page (inline SVG, no scripts) with the trade-off
 * between false lockdowns and recall across thresholds, and the model's score around every
 * raid and surge of the evaluation. Returns the file's path.
 */
export async function writePlots(
  dir: string,
  data: { curves: readonly TradeOff[]; episodes: readonly EpisodeTrace[]; threshold: number; budget: number },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'eval.html');
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>Raid model evaluation</title>',
    '<style>body{font:14px system-ui,sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-size:12px;max-width:360px}</style></head><body>',
    '<h1>Raid model evaluation (held-out traces)</h1>',
    '<h2>False lockdowns against recall, across thresholds</h2>',
    '<p>Each point is one threshold; the open circle is the one chosen on validation data.</p>',
    tradeOffSvg(data.curves, data.budget),
    `<h2>The model's score around each raid (red) and surge (blue)</h2>`,
    `<p>Dashed: the threshold (${data.threshold}). Black: the lockdown. Gaps: too few joins for the guardrail to allow a lockdown, so not scored.</p>`,
    ...data.episodes.map((e, i) => episodeSvg(e, data.threshold, i)),
    '</body></html>',
  ].join('\n');
  await writeFile(file, html);
  return file;
}
