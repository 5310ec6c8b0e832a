import { topology } from '@chat-guard/events';
import { afterEach, expect, it } from 'vitest';
import { Forwarder } from '../../services/gateway/src/forwarder.ts';
import { busFactory, messageCreatedPayload, uniqueNamespace, waitFor } from '../support/bus.ts';

const factory = busFactory(uniqueNamespace(), topology);
afterEach(() => factory.cleanup());

it('publishes what it is given once, and drops a payload that fails its schema at once, saying why', async () => {
  const bus = await factory.open();
  await bus.provision();
  const dropped: string[] = [];
  const retried: string[] = [];
  const forwarder = new Forwarder(bus, {
    onRetry: (event) => retried.push(event),
    onDropped: (event, reason) => dropped.push(`${event}: ${reason}`),
  });
  forwarder.forward('message.created', messageCreatedPayload());
  forwarder.forward('message.created', { ...messageCreatedPayload(), channelId: 'general' });
  await waitFor(() => forwarder.pending === 0, 'both deliveries');
  expect(retried).toEqual([]);
  expect(dropped).toHaveLength(1);
  expect(dropped[0]).toMatch(/^message\.created: invalid message\.created payload: .*channelId/s);
  const { state } = await bus.jsm.streams.info(bus.ns.stream('DISCORD'));
  expect(state.messages).toBe(1);
});
