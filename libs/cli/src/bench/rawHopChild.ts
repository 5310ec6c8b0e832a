// One end of the raw JetStream hop, in a process of its own so its CPU can be read from /proc:
// `publish` offers the payloads at a paced rate, `consume` acks each from the durable consumer.
import { jetstream } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { RawHopJob } from './rawHop.ts';

const job = JSON.parse(process.argv[2] ?? '{}') as RawHopJob;
const role = process.argv[3];
const nc = await connect({ servers: job.servers, name: `chat-guard bench (raw ${role})` });
const js = jetstream(nc);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function consumeAll(): Promise<void> {
  const consumer = await js.consumers.get(job.stream, job.durable);
  // The pipeline's consumers pull in batches of twice their concurrency (16).
  const messages = await consumer.consume({ max_messages: 32 });
  process.send?.('ready');
  let received = 0;
  for await (const m of messages) {
    m.ack();
    if (++received >= job.count) break;
  }
  await messages.close();
}

async function publishAll(): Promise<void> {
  await new Promise((r) => process.once('message', r)); // the parent's go, once its meter runs
  const start = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let i = 0;
  while (i < job.count) {
    const due = Math.min(job.count, Math.floor(((performance.now() - start) * job.perSecond) / 1000) + 1);
    for (; i < due; i++) {
      const h = headers();
      h.set('Chat-Guard-Version', '1');
      const payload = job.payloads[i % job.payloads.length] ?? '';
      const ack = js.publish(job.subject, payload, { msgID: `raw-${i}`, headers: h });
      inFlight.add(ack);
      void ack.finally(() => inFlight.delete(ack));
      if (inFlight.size >= job.inFlight) await Promise.race(inFlight);
    }
    await sleep(10);
  }
  await Promise.all(inFlight);
}

if (role === 'consume') await consumeAll();
else {
  process.send?.('ready');
  await publishAll();
}
// Done, but alive until the parent has read this process's CPU time from /proc.
process.send?.('done');
process.once('disconnect', () => {
  void nc.close().then(() => process.exit(0));
});
