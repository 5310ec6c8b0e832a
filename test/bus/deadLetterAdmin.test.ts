import { consume, listDeadLetters } from '@chat-guard/bus';
import { afterEach, expect, it } from 'vitest';
import {
  busFactory,
  messageCreatedPayload,
  NATS_URL,
  testConsumer,
  testTopology,
  uniqueNamespace,
  waitFor,
} from '../support/bus.ts';
import { spawnTs } from '../support/processes.ts';

const worker = testConsumer({ maxDeliver: 1 });
const namespace = uniqueNamespace();
const factory = busFactory(namespace, testTopology([worker]));
afterEach(() => factory.cleanup());

function cli(...args: string[]) {
  return spawnTs([
    'libs/cli/src/run.ts',
    'deadletter',
    ...args,
    '--nats-url',
    NATS_URL,
    '--namespace',
    namespace,
  ]);
}

it('lists dead letters with their reason, and replays one once its cause is fixed', async () => {
  const bus = await factory.open();
  await bus.provision();
  let broken = true;
  const handled: string[] = [];
  const consumption = await consume(bus, worker, {
    'message.created': async (payload) => {
      if (broken) throw new Error('the database is down');
      handled.push(payload.messageId);
    },
  });
  const event = messageCreatedPayload();
  await bus.publish('message.created', event);
  await waitFor(async () => (await listDeadLetters(bus, 10)).length === 1, 'the dead letter');

  const list = cli('list');
  expect(await list.exited).toBe(0);
  expect(list.output()).toMatch(
    /^\d+\t\S+\t\S+discord\.\d+\.message\.created\tworker\t1x\tfailed 1 deliveries, last error: the database is down$/m,
  );
  const [entry] = await listDeadLetters(bus, 10);

  broken = false;
  const replay = cli('replay', String(entry?.seq));
  expect(await replay.exited).toBe(0);
  await waitFor(() => handled.includes(event.messageId), 'the replayed message');
  await consumption.stop();
  expect(await listDeadLetters(bus, 10)).toEqual([]);

  const wrong = cli('replay', 'abc');
  expect(await wrong.exited).toBe(2);
  expect(wrong.output()).toContain('"abc" is not a dead-letter sequence number');
});
