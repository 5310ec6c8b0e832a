import { consume, type MessageMeta } from '@chat-guard/bus';
import { afterEach, expect, it } from 'vitest';
import {
  busFactory,
  messageCreatedPayload,
  testConsumer,
  testTopology,
  uniqueNamespace,
  waitFor,
} from '../support/bus.ts';
import { spawnTs } from '../support/processes.ts';

const spec = testConsumer({ durable: 'worker', ackWaitMs: 1_000, maxDeliver: 5 });
const namespace = uniqueNamespace();
const factory = busFactory(namespace, testTopology([spec]));
afterEach(() => factory.cleanup());

it('redelivers to another replica a message whose consumer died before acking', async () => {
  const bus = await factory.open();
  await bus.provision();
  const doomed = spawnTs(['test/fixtures/hangingReplica.ts'], { TEST_NAMESPACE: namespace });
  await doomed.waitForOutput(/consuming/);

  const event = messageCreatedPayload();
  await bus.publish('message.created', event);
  await doomed.waitForOutput(new RegExp(`took ${event.messageId} delivery 1`));
  doomed.child.kill('SIGKILL');
  await doomed.exited;

  const survivor = await factory.open('survivor');
  const received: { id: string; meta: MessageMeta }[] = [];
  const consumption = await consume(survivor, spec, {
    'message.created': async (payload, meta) => {
      received.push({ id: payload.messageId, meta });
    },
  });
  await waitFor(() => received.length > 0, 'the redelivery', 10_000);
  await consumption.stop();
  expect(received.map((r) => r.id)).toEqual([event.messageId]);
  expect(received[0]?.meta.deliveryCount).toBe(2);
});
