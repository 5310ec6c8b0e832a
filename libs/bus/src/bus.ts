import {
  topology as defaultTopology,
  type EventDefinition,
  type EventName,
  type EventPayload,
  eventMap,
  type Topology,
} from '@chat-guard/events';
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type PubAck,
  PubHeaders,
} from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { AckedPublisher } from './ackedPublisher.ts';
import { InvalidEventError } from './errors.ts';
import { published } from './metrics.ts';
import { Namespace } from './namespace.ts';
import { type ProvisionStep, provisionTopology } from './provision.ts';
import { injectTraceContext, tracer } from './tracing.ts';

export const EVENT_HEADER = 'Chat-Guard-Event';
export const VERSION_HEADER = 'Chat-Guard-Version';

export interface BusOptions {
  readonly servers: string | string[];
  /** Connection name shown by the NATS server, e.g. the service name. */
  readonly name: string;
  readonly namespace?: string;
  readonly topology?: Topology;
  /** Stream replicas when provisioning in a NATS cluster. */
  readonly replicas?: number;
}

/** Connects to NATS with unlimited reconnects and returns the typed event bus over it. */
export async function connectBus(options: BusOptions): Promise<EventBus> {
  const nc = await connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    // An Error (and its stack) per request costs more than the publish itself on the hot path.
    noAsyncTraces: true,
  });
  const jsm = await jetstreamManager(nc);
  return new EventBus(
    nc,
    jsm,
    new Namespace(options.namespace ?? ''),
    options.topology ?? defaultTopology,
    options,
  );
}

/** Typed publishing over JetStream, with dedupe ids and trace context, plus the shared plumbing. */
export class EventBus {
  readonly js: JetStreamClient;
  readonly #publisher: AckedPublisher;
  #connected = true;

  constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly ns: Namespace,
    readonly topology: Topology,
    private readonly options: BusOptions,
  ) {
    this.js = jetstream(nc);
    this.#publisher = new AckedPublisher(nc);
    void this.#trackStatus();
  }

  /** False while the connection is down or closed. */
  get connected(): boolean {
    return this.#connected && !this.nc.isClosed();
  }

  async #trackStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.#connected = false;
      if (status.type === 'reconnect') this.#connected = true;
    }
  }

  /** Creates or updates the declared streams and consumers; safe to call from every replica. */
  provision(): Promise<ProvisionStep[]> {
    return provisionTopology(this.jsm, this.ns, this.topology, { replicas: this.options.replicas ?? 1 });
  }

  /**
   * Validates and publishes an event; a second publish of the same Discord event is stored once.
   * With `expectLastSubjectSequence`, JetStream refuses the message unless the subject's newest
   * message is still that one (0: the subject has none), for writers that must not race.
   */
  async publish<N extends EventName>(
    name: N,
    payload: EventPayload<N>,
    options: { expectLastSubjectSequence?: number } = {},
  ): Promise<PubAck> {
    const definition = eventMap[name] as unknown as EventDefinition;
    const parsed = definition.schema.safeParse(payload);
    if (!parsed.success) throw new InvalidEventError(name, z.prettifyError(parsed.error));
    const subject = this.ns.subject(definition.subject(parsed.data));
    const headers = createHeaders();
    headers.set(EVENT_HEADER, name);
    headers.set(VERSION_HEADER, String(definition.version));
    const msgID = definition.dedupeId(parsed.data);
    const ack = await this.#publishTraced(subject, JSON.stringify(parsed.data), headers, msgID, options);
    published.add(1, { event: name, duplicate: ack.duplicate });
    return ack;
  }

  async #publishTraced(
    subject: string,
    data: string,
    headers: MsgHdrs,
    msgID: string,
    options: { expectLastSubjectSequence?: number },
  ): Promise<PubAck> {
    const span = tracer.startSpan(`${subject} publish`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': subject,
        'messaging.message.id': msgID,
      },
    });
    try {
      injectTraceContext(trace.setSpan(context.active(), span), headers);
      headers.set(PubHeaders.MsgIdHdr, msgID);
      if (options.expectLastSubjectSequence !== undefined) {
        headers.set(PubHeaders.ExpectedLastSubjectSequenceHdr, String(options.expectLastSubjectSequence));
      }
      const ack = await this.#publisher.publish(subject, data, headers);
      span.setAttribute('messaging.nats.duplicate', ack.duplicate);
      return ack;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  }

  /** Stops taking messages, flushes what was published and closes the connection. */
  async drain(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
    this.#publisher.close();
  }
}
