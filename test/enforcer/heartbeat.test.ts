import { consume, type EventBus, type Handlers } from '@chat-guard/bus';
import { withHeartbeat } from '@chat-guard/enforcer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  busFactory,
  messageCreatedPayload,
  testConsumer,
  testTopology,
  uniqueNamespace,
  waitFor,
} from '../support/bus.ts';

// A handler that outlasts the ack deadline, as one waiting on Discord's rate limit does.
const slow = testConsumer({ durable: 'slow', ackWaitMs: 1_000, maxDeliver: 5 });
let factory: ReturnType<typeof busFactory>;
let bus: EventBus;

beforeEach(async () => {
  factory = busFactory(uniqueNamespace(), testTopology([slow]));
  bus = await factory.open();
  await bus.provision();
});
afterEach(() => factory.cleanup());

/** Runs one slow delivery (3 s against a 1-s deadline); returns each delivery count seen. */
async function slowDelivery(heartbeat: boolean): Promise<number[]> {
  const deliveries: number[] = [];
  let acked = false;
  const handlers: Handlers = {
    'message.created': async (_payload, meta) => {
      deliveries.push(meta.deliveryCount);
      await new Promise<void>((r) => setTimeout(r, 3_000));
      acked = true;
    },
  };
  const consumption = await consume(bus, slow, heartbeat ? withHeartbeat(handlers, 300) : handlers);
  await bus.publish('message.created', messageCreatedPayload());
  await waitFor(() => acked, 'the slow handler to finish', 10_000);
  await new Promise((r) => setTimeout(r, 1_500)); // room for a redelivery to show up
  await consumption.stop();
  return deliveries;
}

describe('the heartbeat', () => {
  it('keeps a message that outlasts its ack deadline from being redelivered', async () => {
    expect(await slowDelivery(true)).toEqual([1]);
  });

  it('is what does it: without it the same message is delivered again mid-work', async () => {
    const seen = await slowDelivery(false);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[1]).toBe(2);
  });
});
