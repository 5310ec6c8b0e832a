import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { repoRoot } from '../services.ts';
import { CpuMeter, pidsByName } from './procStat.ts';

const childFile = fileURLToPath(new URL('./rawHopChild.ts', import.meta.url));

/** What each end of the raw hop needs to know. */
export interface RawHopJob {
  readonly servers: string;
  readonly stream: string;
  readonly subject: string;
  readonly durable: string;
  readonly payloads: readonly string[];
  readonly count: number;
  readonly perSecond: number;
  /** Publishes awaiting their ack at most. */
  readonly inFlight: number;
}

function start(job: RawHopJob, role: 'publish' | 'consume'): Promise<ChildProcess> {
  const child = fork(childFile, [JSON.stringify(job), role], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the raw hop's ${role} process exited (${code}) early`)));
  });
}

function finished(child: ChildProcess, role: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('message', (m) => m === 'done' && resolve());
    child.once('exit', (code) =>
      reject(new Error(`the raw hop's ${role} process exited (${code}) before it was done`)),
    );
  });
}

/**
 * CPU microseconds per message of one raw JetStream hop, the pipeline's transport without the
 * pipeline: a publisher process (a dedupe id, a header, an awaited ack, `inFlight` at most) and
 * a consumer process (a durable pull consumer acking each), plus nats-server, at `perSecond`.
 */
export async function measureRawHop(
  servers: string,
  payloads: readonly string[],
  perSecond: number,
  seconds: number,
): Promise<{ usPerMessage: number; messages: number; cpuS: number }> {
  const nc = await connect({ servers, name: 'chat-guard bench (raw setup)' });
  const jsm = await jetstreamManager(nc);
  const stream = `BENCH_RAW_${randomBytes(4).toString('hex')}`;
  const job: RawHopJob = {
    servers,
    stream,
    subject: `${stream.toLowerCase()}.events`,
    durable: 'bench',
    payloads,
    count: Math.round(perSecond * seconds),
    perSecond,
    inFlight: 64,
  };
  await jsm.streams.add({ name: stream, subjects: [job.subject], duplicate_window: 15 * 60 * 1e9 });
  // As the pipeline's consumers are declared (libs/events topology): explicit acks, 1,000 pending.
  await jsm.consumers.add(stream, {
    durable_name: job.durable,
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 1_000,
    ack_wait: 30e9,
  });
  try {
    const consumer = await start(job, 'consume');
    const publisher = await start(job, 'publish');
    const done = Promise.all([finished(consumer, 'consume'), finished(publisher, 'publish')]);
    const pids = () => [publisher.pid ?? 0, consumer.pid ?? 0, ...pidsByName('nats-server')];
    const meter = new CpuMeter();
    meter.start(pids());
    publisher.send('go');
    await done;
    const cpuS = meter.stop(pids());
    for (const child of [consumer, publisher]) child.disconnect();
    return { usPerMessage: (cpuS * 1e6) / job.count, messages: job.count, cpuS };
  } finally {
    await jsm.streams.delete(stream);
    await nc.close();
  }
}
