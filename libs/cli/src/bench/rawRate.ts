import { randomBytes } from 'node:crypto';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

/**
 * The machine's raw JetStream rate for the pipeline's kind of message: publish with a
 * dedupe id and an ack, consume from a durable pull consumer with explicit acks.
 */
export async function measureRawRate(servers: string, count: number, payload: string): Promise<number> {
  const nc = await connect({ servers, name: 'chat-guard bench (raw)' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = `BENCH_RAW_${randomBytes(4).toString('hex')}`;
  const subject = `${stream.toLowerCase()}.events`;
  await jsm.streams.add({ name: stream, subjects: [subject] });
  await jsm.consumers.add(stream, {
    durable_name: 'bench',
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 10_000,
  });
  try {
    const consumer = await js.consumers.get(stream, 'bench');
    const messages = await consumer.consume({ max_messages: 1_000 });
    const started = performance.now();
    let received = 0;
    const done = (async () => {
      for await (const m of messages) {
        m.ack();
        if (++received >= count) break;
      }
    })();
    const window = 512;
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const h = headers();
      h.set('Chat-Guard-Version', '1');
      inFlight.push(js.publish(subject, payload, { msgID: `raw-${i}`, headers: h }));
      if (inFlight.length >= window) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    await done;
    return count / ((performance.now() - started) / 1000);
  } finally {
    await jsm.streams.delete(stream);
    await nc.close();
  }
}
