import type { Percentiles } from './figures.ts';
import type {
  BenchPlan,
  measureLatency,
  measurePipelineCpu,
  measureWave,
  searchSustainedRate,
} from './pipelineBench.ts';
import type { measureRawHop } from './rawHop.ts';
import { round } from './stats.ts';

export interface BenchReport {
  readonly plan: BenchPlan;
  readonly cpu: Awaited<ReturnType<typeof measurePipelineCpu>>;
  readonly raw: Awaited<ReturnType<typeof measureRawHop>>;
  readonly rate: Awaited<ReturnType<typeof searchSustainedRate>>;
  readonly latency: Awaited<ReturnType<typeof measureLatency>>;
  readonly wave: Awaited<ReturnType<typeof measureWave>>;
  readonly rss: ReadonlyMap<string, number>;
  readonly figures: Readonly<Record<string, number>>;
}

const ms = (p: Percentiles) => `p50 ${round(p.p50)} ms, p99 ${round(p.p99)} ms`;

/** The run as a table a person reads (the JSON line follows it). */
export function printTable(r: BenchReport): void {
  const rows: [string, string][] = [
    [
      `CPU per message at ${r.plan.cpuRate}/s`,
      `pipeline ${r.figures.pipelineUs} µs, raw hop ${r.figures.rawHopUs} µs: ratio ${r.figures.costRatio}`,
    ],
    ['  where it went (µs)', r.cpu.byPart.map(([part, us]) => `${part} ${round(us, 0)}`).join(', ')],
    ['  sandbox (left out)', `${round(r.cpu.sandboxUsPerMessage, 0)} µs a message`],
    [
      'sustained rate',
      `${r.rate.sustained} messages/s (` +
        r.rate.phases.map((p) => `${p.rate}${p.keptUp ? ' ok' : ' behind'}`).join(', ') +
        ')',
    ],
    [
      `receipt to delete call at ${r.figures.atRate}/s`,
      `${ms(r.latency.total)} over ${r.latency.total.samples} violations` +
        (r.latency.deleted < r.latency.violations
          ? ` (${r.latency.violations - r.latency.deleted} not timed)`
          : ''),
    ],
    ['  gateway: post to DISCORD stored', ms(r.latency.gateway)],
    ['  content-filter: to VERDICTS stored', ms(r.latency.contentFilter)],
    ['  enforcer: to the delete call', ms(r.latency.enforcer)],
    [
      `spam wave, ${r.plan.wave.messages} in ${r.plan.wave.seconds} s`,
      `${r.wave.wave.ids.length} accepted (${r.wave.wave.refused} refused), ${r.wave.deleted} deleted; ` +
        `cleared ${r.figures.waveClearS} s after its last message`,
    ],
    ['  REST calls per violation', `${r.figures.restPerViolation} (${r.wave.calls} calls)`],
    ...r.wave.byRoute.slice(0, 6).map(([route, n]): [string, string] => [`    ${route}`, String(n)]),
    ['actions made twice', String(r.figures.duplicateActions)],
    [
      'resident memory (MB)',
      [...r.rss]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, mb]) => `${name} ${round(mb, 0)}`)
        .join(', '),
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}
