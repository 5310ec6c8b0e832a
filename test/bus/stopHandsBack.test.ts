import { consume } from '@chat-guard/bus';
import { expect, it } from 'vitest';
import { messageCreatedPayload, testConsumer, useTestBus, waitFor } from '../support/bus.ts';

// An ack wait far longer than the test: a message the stopped replica kept without handing it
// back could only reach the second replica after ten minutes.
const worker = testConsumer({ ackWaitMs: 600_000, maxAckPending: 1_000 });
const testBus = useTestBus([worker]);
const MESSAGES = 2_000;

it('a replica that stops hands back what it pulled but did not start, so another finishes at once', async () => {
  const sent: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const payload = messageCreatedPayload();
    sent.push(payload.messageId);
    await testBus.bus.publish('message.created', payload);
  }
  const handledBy = new Map<string, string[]>();
  const handler = (replica: string) => async (payload: { messageId: string }) => {
    await new Promise((r) => setTimeout(r, 2));
    handledBy.set(payload.messageId, [...(handledBy.get(payload.messageId) ?? []), replica]);
  };

  const first = await testBus.factory.open('first');
  const firstConsumption = await consume(first, worker, { 'message.created': handler('first') });
  await waitFor(() => handledBy.size >= 100, 'the first replica to get going');
  await firstConsumption.stop();
  const byFirst = handledBy.size;
  expect(byFirst).toBeLessThan(MESSAGES); // it was stopped with work still in the stream

  const info = await first.jsm.consumers.info(first.ns.stream(worker.stream), worker.durable);
  // It took more than it handled: the pull buffer was full when it stopped.
  expect(info.delivered.stream_seq).toBeGreaterThan(byFirst);

  const second = await testBus.factory.open('second');
  const secondConsumption = await consume(second, worker, { 'message.created': handler('second') });
  await waitFor(() => handledBy.size >= MESSAGES, 'the second replica to finish the stream', 60_000);
  await secondConsumption.stop();

  expect([...handledBy.keys()].sort()).toEqual([...sent].sort());
  const twice = [...handledBy.entries()].filter(([, replicas]) => replicas.length > 1);
  expect(twice).toEqual([]);
}, 120_000);
