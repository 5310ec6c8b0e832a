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
import { errorMessage, isDependencyDown, isRetryable } from './errors.ts';
import { deliveries, handlerDuration } from './metrics.ts';
import { extractTraceContext, tracer } from './tracing.ts';

export interface MessageMeta {
  readonly subject: string;
  readonly streamSequence: number;
  readonly deliveryCount: number;
  readonly headers: MsgHdrs | undefined;
}

export type Handler<N extends EventName> = (payload: EventPayload<N>, meta: MessageMeta) => Promise<void>;
export type Handlers = { readonly [N in EventName]?: Handler<N> };

/** `waiting`: a dependency is down; the message is kept (not redelivered) and retried when it answers. */
export type OutcomeKind = 'acked' | 'ignored' | 'retry' | 'dead' | 'waiting';

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

/**
 * Pulls from a durable consumer shared by every replica and dispatches to typed handlers.
 * While a dependency is down (see `isDependencyDown`), new work waits and every message in
 * hand is kept alive with `working()`, so an outage of any length spends no deliveries.
 */
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
  const queue: JsMsg[] = [];
  const keeper = new MessageKeeper(spec.ackWaitMs);
  const gate = new DependencyGate();
  const report = options.onOutcome ?? (() => undefined);

  const start = (msg: JsMsg) => {
    const started = performance.now();
    const work = handleOne(bus, spec, handlers, msg, { gate, keeper, report }).then((outcome) => {
      const labels = { consumer: spec.durable, event: outcome.event ?? 'unknown', outcome: outcome.kind };
      deliveries.add(1, labels);
      handlerDuration.record((performance.now() - started) / 1000, labels);
      report(outcome);
      pump();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const pump = () => {
    while (gate.open && !gate.stopping && inFlight.size < concurrency) {
      const next = queue.shift();
      if (!next) return;
      keeper.release(next);
      start(next);
    }
  };
  gate.onOpen = pump;

  const done = (async () => {
    try {
      for await (const msg of messages) {
        if (gate.stopping) {
          msg.nak();
          continue;
        }
        queue.push(msg);
        keeper.keep(msg);
        pump();
        // Back-pressure while handlers work. While a dependency is down, keep draining what was
        // pulled into the kept queue instead, so nothing waits unheartbeated in the pull buffer.
        while (gate.open && inFlight.size >= concurrency) await Promise.race([...inFlight, gate.closed]);
      }
      for (const msg of queue.splice(0)) {
        keeper.release(msg);
        msg.nak();
      }
      await Promise.all(inFlight);
    } finally {
      keeper.close();
    }
  })();

  return {
    done,
    async stop() {
      gate.stop();
      await messages.close();
      await done;
    },
  };
}

/** Whether new work may start: closed while a handler is waiting on a dependency that is down. */
class DependencyGate {
  open = true;
  stopping = false;
  onOpen: () => void = () => undefined;
  private closedSignal = signal();
  private readonly stopSignal = signal();

  /** Resolves when the gate next closes. */
  get closed(): Promise<void> {
    return this.closedSignal.promise;
  }
  /** Resolves when the consumption is stopping. */
  get stopped(): Promise<void> {
    return this.stopSignal.promise;
  }
  markDown(): void {
    if (!this.open) return;
    this.open = false;
    this.closedSignal.resolve();
    this.closedSignal = signal();
  }
  markUp(): void {
    if (this.open) return;
    this.open = true;
    this.onOpen();
  }
  stop(): void {
    this.stopping = true;
    this.stopSignal.resolve();
  }
}

/** A promise with its resolver (Node 20 has no `Promise.withResolvers`). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Tells the server that kept messages are still being worked on, so their ack wait never lapses. */
class MessageKeeper {
  private readonly kept = new Set<JsMsg>();
  private readonly timer: NodeJS.Timeout;
  constructor(ackWaitMs: number) {
    this.timer = setInterval(
      () => {
        for (const msg of this.kept) msg.working();
      },
      Math.max(100, Math.floor(ackWaitMs / 3)),
    );
    this.timer.unref();
  }
  keep(msg: JsMsg): void {
    this.kept.add(msg);
  }
  release(msg: JsMsg): void {
    this.kept.delete(msg);
  }
  close(): void {
    clearInterval(this.timer);
  }
}

interface HandleContext {
  readonly gate: DependencyGate;
  readonly keeper: MessageKeeper;
  readonly report: (outcome: Outcome) => void;
}

async function handleOne(
  bus: EventBus,
  spec: ConsumerSpec,
  handlers: Handlers,
  msg: JsMsg,
  context: HandleContext,
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

  const meta: MessageMeta = { ...base, headers: msg.headers };
  const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject };
  for (let attempt = 1; ; attempt += 1) {
    const failure = await tracer.startActiveSpan(
      `${event} process`,
      { kind: SpanKind.CONSUMER, attributes },
      extractTraceContext(msg.headers),
      async (span) => {
        try {
          await handler(parsed.data as EventPayload<EventName>, meta);
          return undefined;
        } catch (err) {
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
          return { err };
        } finally {
          span.end();
        }
      },
    );
    if (!failure) {
      context.gate.markUp();
      msg.ack();
      return { ...base, kind: 'acked' };
    }
    const { err } = failure;
    if (isDependencyDown(err)) {
      context.gate.markDown();
      context.report({ ...base, kind: 'waiting', reason: errorMessage(err), error: err });
      if (await waitOnDependency(spec, msg, context, attempt)) continue;
      msg.nak();
      return { ...base, kind: 'retry', reason: `stopped while waiting: ${errorMessage(err)}`, error: err };
    }
    context.gate.markUp();
    if (!isRetryable(err)) return dead(`permanent failure: ${errorMessage(err)}`, err);
    if (msg.info.deliveryCount >= spec.maxDeliver) {
      return dead(`failed ${msg.info.deliveryCount} deliveries, last error: ${errorMessage(err)}`, err);
    }
    msg.nak(retryDelayMs(spec, msg.info.deliveryCount));
    return { ...base, kind: 'retry', reason: errorMessage(err), error: err };
  }
}

/** Keeps the message while a dependency is down, for one backoff step; false if stopping. */
async function waitOnDependency(
  spec: ConsumerSpec,
  msg: JsMsg,
  context: HandleContext,
  attempt: number,
): Promise<boolean> {
  context.keeper.keep(msg);
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, retryDelayMs(spec, attempt));
  });
  await Promise.race([slept, context.gate.stopped]);
  clearTimeout(timer);
  context.keeper.release(msg);
  return !context.gate.stopping;
}
