import {
  type ConsumerSpec,
  type EventDefinition,
  type EventName,
  type EventPayload,
  eventMap,
  eventNameForSubject,
} from '@chat-guard/events';
import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { z } from 'zod';
import { type EventBus, VERSION_HEADER } from './bus.ts';
import { deadLetterAndTerm } from './deadLetter.ts';
import { errorMessage, isRetryable } from './errors.ts';
import { deliveries, handlerDuration } from './metrics.ts';
import { extractTraceContext, tracer } from './tracing.ts';

export interface MessageMeta {
  readonly subject: string;
  readonly streamSequence: number;
  readonly deliveryCount: number;
  readonly headers: MsgHdrs | undefined;
  /** Extends this message's ack deadline, for a handler that is still at work (waiting on a rate limit). */
  readonly working?: () => void;
}

export type Handler<N extends EventName> = (payload: EventPayload<N>, meta: MessageMeta) => Promise<void>;
export type Handlers = { readonly [N in EventName]?: Handler<N> };

export type OutcomeKind = 'acked' | 'ignored' | 'retry' | 'dead';

/** What became of one delivery; services log these. */
export interface Outcome {
  readonly consumer: string;
  readonly subject: string;
  readonly event: EventName | undefined;
  readonly streamSequence: number;
  readonly deliveryCount: number;
  readonly kind: OutcomeKind;
  readonly reason?: string;
  readonly error?: unknown;
}

export interface ConsumeOptions {
  /** Messages handled at once by this replica. */
  readonly concurrency?: number;
  readonly onOutcome?: (outcome: Outcome) => void;
}

export interface Consumption {
  /** Stops pulling, waits for the messages in hand, and resolves when all are settled. */
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/** Delay before retry n (1-based) of a consumer. */
export function retryDelayMs(spec: ConsumerSpec, deliveryCount: number): number {
  return Math.min(spec.retry.baseMs * 2 ** Math.max(0, deliveryCount - 1), spec.retry.maxMs);
}

/** Pulls from a durable consumer shared by every replica and dispatches to typed handlers. */
export async function consume(
  bus: EventBus,
  spec: ConsumerSpec,
  handlers: Handlers,
  options: ConsumeOptions = {},
): Promise<Consumption> {
  const concurrency = options.concurrency ?? 16;
  const consumer = await bus.js.consumers.get(bus.ns.stream(spec.stream), spec.durable);
  const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 32) });
  const inFlight = new Set<Promise<void>>();
  const report = options.onOutcome ?? (() => undefined);

  const done = (async () => {
    for await (const msg of messages) {
      const started = performance.now();
      const work = handleOne(bus, spec, handlers, msg).then((outcome) => {
        const labels = { consumer: spec.durable, event: outcome.event ?? 'unknown', outcome: outcome.kind };
        deliveries.add(1, labels);
        handlerDuration.record((performance.now() - started) / 1000, labels);
        report(outcome);
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();

  return {
    done,
    async stop() {
      await messages.close();
      await done;
    },
  };
}

async function handleOne(
  bus: EventBus,
  spec: ConsumerSpec,
  handlers: Handlers,
  msg: JsMsg,
): Promise<Outcome> {
  const subject = bus.ns.unprefix(msg.subject);
  const event = eventNameForSubject(subject);
  const base = {
    consumer: spec.durable,
    subject,
    event,
    streamSequence: msg.info.streamSequence,
    deliveryCount: msg.info.deliveryCount,
  };
  const dead = async (reason: string, error?: unknown): Promise<Outcome> => {
    const failed = await deadLetterAndTerm(bus, msg, spec.durable, reason);
    if (failed) return { ...base, kind: 'retry', reason: failed.message, error: failed };
    return { ...base, kind: 'dead', reason, error };
  };

  if (!event) return dead(`no event is declared for subject ${subject}`);
  const definition = eventMap[event] as unknown as EventDefinition;
  const version = msg.headers?.get(VERSION_HEADER);
  if (version && version !== String(definition.version)) {
    return dead(`${event} version ${version} is not the supported version ${definition.version}`);
  }
  let body: unknown;
  try {
    body = msg.json();
  } catch (err) {
    return dead(`${event} payload is not JSON`, err);
  }
  const parsed = definition.schema.safeParse(body);
  if (!parsed.success) return dead(`${event} payload fails its schema: ${z.prettifyError(parsed.error)}`);
  const handler = handlers[event] as Handler<EventName> | undefined;
  if (!handler) {
    msg.ack();
    return { ...base, kind: 'ignored' };
  }

  const meta: MessageMeta = { ...base, headers: msg.headers, working: () => msg.working() };
  const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject };
  return tracer.startActiveSpan(
    `${event} process`,
    { kind: SpanKind.CONSUMER, attributes },
    extractTraceContext(msg.headers),
    async (span) => {
      try {
        await handler(parsed.data as EventPayload<EventName>, meta);
        msg.ack();
        return { ...base, kind: 'acked' as const };
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
        if (!isRetryable(err)) return dead(`permanent failure: ${errorMessage(err)}`, err);
        if (msg.info.deliveryCount >= spec.maxDeliver) {
          return dead(`failed ${msg.info.deliveryCount} deliveries, last error: ${errorMessage(err)}`, err);
        }
        msg.nak(retryDelayMs(spec, msg.info.deliveryCount));
        return { ...base, kind: 'retry' as const, reason: errorMessage(err), error: err };
      } finally {
        span.end();
      }
    },
  );
}
