import { spawnSync } from 'node:child_process';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/processes.ts';
import { render } from './render.ts';

const production = render('overlays/production');
const rule = production.find((o) => o.kind === 'PrometheusRule');
const alerts = (rule?.spec.groups ?? []).flatMap(
  (g: { rules: { alert: string; expr: string }[] }) => g.rules,
);
const dashboardMap = production.find(
  (o) => o.kind === 'ConfigMap' && o.metadata.name === 'chat-guard-dashboard',
);
const dashboard = JSON.parse(dashboardMap?.data?.['chat-guard.json'] ?? '{}') as {
  panels?: { title: string; targets: { expr: string }[] }[];
};
const panelQueries = (dashboard.panels ?? []).flatMap((p) =>
  p.targets.map((t) => ({ where: p.title, expr: t.expr })),
);
const queries = [
  ...alerts.map((a: { alert: string; expr: string }) => ({ where: a.alert, expr: a.expr })),
  ...panelQueries,
];

/** PromQL syntax errors, by lezer-promql (Prometheus's own grammar for its editor). */
function syntaxErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

/** Metric names a query reads. */
function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\b(chatguard|nodejs|process)_[a-z_]+/g) ?? [])];
}

/** The file that creates the instrument, under the name or, for a histogram's series, its base name. */
function definedIn(name: string): string {
  for (const candidate of [name, name.replace(/_(bucket|sum|count)$/, '')]) {
    const grep = ['grep', '-l', `'${candidate}'`, '--', 'libs/*/src/*', 'services/*/src/*'];
    // git grep exits 1 when nothing matches: that is an answer here, not a failure.
    const found = spawnSync('git', grep, { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  return '';
}

describe('the monitoring component', () => {
  it('alerts on lag, dead letters, 429s, a detector without a leader, audit verification and gateway shards', () => {
    const names = alerts.map((a: { alert: string }) => a.alert);
    for (const required of [
      'ChatGuardConsumerLagGrowing',
      'ChatGuardDeadLetters',
      'ChatGuardDiscordRateLimited',
      'ChatGuardDetectorWithoutLeader',
      'ChatGuardAuditVerificationFailed',
      'ChatGuardGatewayShardsDisconnected',
    ])
      expect(names).toContain(required);
  });

  it('writes every alert and dashboard query in valid PromQL', () => {
    expect(queries.length).toBeGreaterThan(20);
    for (const { where, expr } of queries) expect(syntaxErrors(expr), `${where}: ${expr}`).toEqual([]);
    expect(syntaxErrors('sum by (consumer (rate(x[5m]))').length).toBeGreaterThan(0); // the check bites
  });

  it('queries only metrics the code exports, under Prometheus naming conventions', () => {
    const used = [...new Set(queries.flatMap((q) => metricNames(q.expr)))];
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) {
      expect(definedIn(name), name).not.toBe('');
      if (name.startsWith('chatguard_'))
        expect(name, 'a counter ends in _total, a duration is a _seconds histogram').toMatch(
          /_(total|seconds|seconds_bucket|messages|broken|leader|connected|count|scored)$/,
        );
    }
  });

  it('ships the dashboard as a ConfigMap the Grafana sidecar picks up', () => {
    expect(dashboardMap?.metadata.labels?.grafana_dashboard).toBe('1');
    expect(dashboard.panels?.length).toBeGreaterThan(10);
  });
});
