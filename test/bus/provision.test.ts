import { topology } from '@chat-guard/events';
import { afterEach, expect, it } from 'vitest';
import { busFactory, uniqueNamespace } from '../support/bus.ts';

const factory = busFactory(uniqueNamespace(), topology);
afterEach(() => factory.cleanup());

it('creates every declared stream and consumer, and a second run changes nothing', async () => {
  const bus = await factory.open();
  const first = await bus.provision();
  expect(first.filter((s) => s.kind === 'stream').map((s) => s.name)).toEqual(
    topology.streams.map((s) => bus.ns.stream(s.name)),
  );
  expect(first.every((s) => s.result === 'created')).toBe(true);
  expect(first.filter((s) => s.kind === 'consumer')).toHaveLength(topology.consumers.length);

  const second = await bus.provision();
  expect(second.map((s) => s.result)).toEqual(second.map(() => 'unchanged'));
});

it('brings a consumer whose settings drifted back in line with the declaration', async () => {
  const bus = await factory.open();
  await bus.provision();
  const spec = topology.consumers[0];
  if (!spec) throw new Error('the topology declares no consumer');
  const stream = bus.ns.stream(spec.stream);
  await bus.jsm.consumers.update(stream, spec.durable, { max_deliver: spec.maxDeliver + 7 });

  const steps = await bus.provision();
  expect(steps.find((s) => s.name === `${stream}/${spec.durable}`)?.result).toBe('updated');
  const info = await bus.jsm.consumers.info(stream, spec.durable);
  expect(info.config.max_deliver).toBe(spec.maxDeliver);
});

it('lets replicas that start together provision the same topology at once', async () => {
  const buses = await Promise.all([1, 2, 3, 4].map((n) => factory.open(`replica-${n}`)));
  const results = await Promise.all(buses.map((bus) => bus.provision()));
  for (const steps of results)
    expect(steps).toHaveLength(topology.streams.length + topology.consumers.length);
  const again = await buses[0]?.provision();
  expect(again?.every((s) => s.result === 'unchanged')).toBe(true);
});
