import type { EventBus } from '@chat-guard/bus';
import { defaultGuildConfig } from '@chat-guard/events';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AckedPublisher } from '../../libs/bus/src/ackedPublisher.ts';
import { busFactory, messageCreatedPayload, testTopology, uniqueNamespace } from '../support/bus.ts';

let factory: ReturnType<typeof busFactory>;
let bus: EventBus;
beforeAll(async () => {
  factory = busFactory(uniqueNamespace(), testTopology([]));
  bus = await factory.open();
  await bus.provision();
});
afterAll(() => factory.cleanup());

const configChange = (revision: number) => ({
  guildId: '1100000000000000001',
  config: defaultGuildConfig(),
  revision,
  changedBy: '1300000000000000042',
  changedAt: Date.now(),
});

it("returns JetStream's acknowledgement: the stream, its sequence, and whether it was a duplicate", async () => {
  const payload = messageCreatedPayload();
  const first = await bus.publish('message.created', payload);
  const again = await bus.publish('message.created', payload);
  expect(first.stream).toBe(bus.ns.stream('DISCORD'));
  expect(first.seq).toBeGreaterThan(0);
  expect(first.duplicate).toBe(false);
  expect(again).toMatchObject({ seq: first.seq, duplicate: true });
});

it("refuses a publish whose expected last subject sequence is stale with JetStream's own error", async () => {
  const first = await bus.publish('config.changed', configChange(1), { expectLastSubjectSequence: 0 });
  const stale = bus.publish('config.changed', configChange(2), { expectLastSubjectSequence: 0 });
  await expect(stale).rejects.toBeInstanceOf(JetStreamApiError);
  await expect(stale).rejects.toMatchObject({ code: JetStreamApiCodes.StreamWrongLastSequence });
  const next = await bus.publish('config.changed', configChange(2), {
    expectLastSubjectSequence: first.seq,
  });
  expect(next.seq).toBeGreaterThan(first.seq);
});

it('says so when no stream takes the subject, rather than waiting out a timeout', async () => {
  const publisher = new AckedPublisher(bus.nc);
  try {
    const started = Date.now();
    const subject = `${uniqueNamespace()}.nowhere`;
    await expect(publisher.publish(subject, '{}', headers())).rejects.toThrow(
      `no JetStream stream takes ${subject}`,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  } finally {
    publisher.close();
  }
});
