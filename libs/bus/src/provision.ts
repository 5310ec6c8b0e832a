import type { ConsumerSpec, StreamSpec, Topology } from '@chat-guard/events';
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { ProvisionError } from './errors.ts';
import type { Namespace } from './namespace.ts';

export type ProvisionResult = 'created' | 'updated' | 'unchanged';

export interface ProvisionStep {
  readonly kind: 'stream' | 'consumer';
  readonly name: string;
  readonly result: ProvisionResult;
}

export interface ProvisionOptions {
  /** Stream replicas in a NATS cluster. */
  readonly replicas: number;
}

/** Creates or updates every stream and consumer of the topology; running it twice changes nothing. */
export async function provisionTopology(
  jsm: JetStreamManager,
  ns: Namespace,
  topology: Topology,
  options: ProvisionOptions,
): Promise<ProvisionStep[]> {
  const steps: ProvisionStep[] = [];
  for (const spec of topology.streams) {
    steps.push(await raceSafe(() => provisionStream(jsm, ns, spec, options)));
  }
  for (const spec of topology.consumers) {
    steps.push(await raceSafe(() => provisionConsumer(jsm, ns, spec)));
  }
  return steps;
}

/** NATS: a stream, or a consumer, of that name was just created with another configuration. */
const NAME_TAKEN = new Set([10058, 10148]);

/**
 * Replicas start together: when another one created the stream or consumer between our read
 * and our create (with a configuration that differs, say during a rolling upgrade), read
 * again and bring it in line instead of failing.
 */
async function raceSafe(step: () => Promise<ProvisionStep>): Promise<ProvisionStep> {
  try {
    return await step();
  } catch (err) {
    const cause = err instanceof ProvisionError ? err.cause : err;
    if (!(cause instanceof JetStreamApiError && NAME_TAKEN.has(cause.code))) throw err;
    return step();
  }
}

async function provisionStream(
  jsm: JetStreamManager,
  ns: Namespace,
  spec: StreamSpec,
  options: ProvisionOptions,
): Promise<ProvisionStep> {
  const name = ns.stream(spec.name);
  const wanted = {
    subjects: spec.subjects.map((s) => ns.subject(s)),
    description: spec.description,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(spec.duplicateWindowMs),
    num_replicas: options.replicas,
    max_msgs_per_subject: spec.maxMsgsPerSubject || -1,
  };
  try {
    try {
      const { config } = await jsm.streams.info(name);
      const same =
        config.subjects.join() === wanted.subjects.join() &&
        config.description === wanted.description &&
        config.max_age === wanted.max_age &&
        config.duplicate_window === wanted.duplicate_window &&
        config.num_replicas === wanted.num_replicas &&
        config.max_msgs_per_subject === wanted.max_msgs_per_subject;
      if (same) return { kind: 'stream', name, result: 'unchanged' };
      await jsm.streams.update(name, wanted);
      return { kind: 'stream', name, result: 'updated' };
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
      await jsm.streams.add({
        name,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        ...wanted,
      });
      return { kind: 'stream', name, result: 'created' };
    }
  } catch (err) {
    throw new ProvisionError(`stream ${name}`, { cause: err });
  }
}

async function provisionConsumer(
  jsm: JetStreamManager,
  ns: Namespace,
  spec: ConsumerSpec,
): Promise<ProvisionStep> {
  const stream = ns.stream(spec.stream);
  const name = `${stream}/${spec.durable}`;
  const wanted: Partial<ConsumerConfig> = {
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    max_ack_pending: spec.maxAckPending,
  };
  if (spec.filter !== null) wanted.filter_subject = ns.subject(spec.filter);
  try {
    try {
      const { config } = await jsm.consumers.info(stream, spec.durable);
      const same =
        config.ack_wait === wanted.ack_wait &&
        config.max_deliver === wanted.max_deliver &&
        config.max_ack_pending === wanted.max_ack_pending &&
        (config.filter_subject || undefined) === wanted.filter_subject;
      if (same) return { kind: 'consumer', name, result: 'unchanged' };
      await jsm.consumers.update(stream, spec.durable, wanted);
      return { kind: 'consumer', name, result: 'updated' };
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
      await jsm.consumers.add(stream, {
        ...wanted,
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      return { kind: 'consumer', name, result: 'created' };
    }
  } catch (err) {
    throw new ProvisionError(`consumer ${name}`, { cause: err });
  }
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
