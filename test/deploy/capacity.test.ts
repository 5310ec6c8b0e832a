import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capacityMarkdown } from '../../deploy/capacity/capacity.ts';
import { capacityModel, type Figures } from '../../deploy/capacity/model.ts';
import { repoRoot } from '../support/processes.ts';
import { render } from './render.ts';

const figures = JSON.parse(readFileSync(`${repoRoot}deploy/capacity/figures.json`, 'utf8')) as Figures;
const model = capacityModel(figures);

function withFigure(group: keyof Figures, name: string, value: number): Figures {
  const entries = figures[group] as Record<string, { value: number; source: string }>;
  return { ...figures, [group]: { ...entries, [name]: { ...entries[name], value } } } as Figures;
}

describe('the capacity model', () => {
  it('is what deploy/CAPACITY.md shows (regenerate it with `npm run capacity`)', () => {
    expect(readFileSync(`${repoRoot}deploy/CAPACITY.md`, 'utf8')).toBe(capacityMarkdown(figures));
  });

  it('follows the measured CPU cost: twice the cost per message, twice the cores', () => {
    const costly = capacityModel(
      withFigure('cpu', 'contentFilterMsPerMessage', 2 * figures.cpu.contentFilterMsPerMessage.value),
    );
    const cores = (m: typeof model) => m.services.find((s) => s.service === 'content-filter')?.cores ?? 0;
    expect(cores(costly)).toBeCloseTo(2 * cores(model));
  });

  it('needs more shards, pods and replicas for a community ten times the size', () => {
    const big = capacityModel(withFigure('scale', 'members', 10 * figures.scale.members.value));
    const bigger = capacityModel(withFigure('scale', 'guilds', 10 * figures.scale.guilds.value));
    expect(bigger.shards).toBeGreaterThan(model.shards);
    expect(bigger.shards % bigger.gatewayPods).toBe(0);
    const replicas = (m: typeof model) => m.services.reduce((sum, s) => sum + s.replicas, 0);
    expect(replicas(big)).toBeGreaterThan(replicas(model));
    expect(big.postgres.growthBytesPerMonth).toBeGreaterThan(model.postgres.growthBytesPerMonth);
  });

  it('sizes the production overlay: its shards, gateway pods and autoscaling ceilings cover the peak', () => {
    const production = render('overlays/production');
    const gateway = production.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'gateway');
    const env = gateway?.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(Number(env.find((e) => e.name === 'SHARD_COUNT')?.value)).toBeGreaterThanOrEqual(model.shards);
    expect(gateway?.spec.replicas).toBeGreaterThanOrEqual(model.gatewayPods);
    for (const size of model.services) {
      const scaled = production.find((o) => o.kind === 'ScaledObject' && o.metadata.name === size.service);
      const fixed = production.find(
        (o) => o.kind !== 'ScaledObject' && o.metadata.name === size.service && o.spec?.replicas,
      );
      const ceiling = scaled?.spec.maxReplicaCount ?? fixed?.spec.replicas;
      expect(ceiling, size.service).toBeGreaterThanOrEqual(size.replicas);
    }
  });
});
