import {
  type ConsumerSpec,
  type EventDefinition,
  type EventName,
  type EventPayload,
  eventMap,
  eventNameForSubject,
} from '@chat-guard/events';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { SpanStatusCode } from '@opentelemetry/api';
import { z } from 'zod';
import { type EventBus, VERSION_HEADER } from './bus.ts';
import { deadLetterAndTerm } from './deadLetter.ts';
import { DependencyGate, MessageKeeper, signal } from './dependencyGate.ts';
import { errorMessage, isDependencyDown, isRetryable } from './errors.ts';
import { DeliveryTally, handlerDuration } from './metrics.ts';
import { inConsumerSpan } from './tracing.ts';

export interface MessageMeta {
  readonly subject: string;
  readonly streamSequence: number;
  readonly deliveryCount: number;
  readonly headers: MsgHdrs | undefined;
  /** Tells the server the handler is still at work, so the ack wait does not lapse (e.g. during a rate-limit wait). */
  readonly working?: () => void;
}

export type Handler<N extends EventName> = (payload: EventPayload<N>, meta: MessageMeta) => Promise<void>;
export type Handlers = { readonly [N in EventName]?: Handler<N> };

/** `waiting`: a dependency is down; the message is kept, unspent, until it answers. */
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
  /**
   * Checks the service's dependencies (e.g. `select 1`, a Redis ping) while one is down; it
   * throws while they are still down. A waiting message is retried only once it passes.
   */
  readonly probe?: () => Promise<void>;
  /** How often a dependency that is down is probed; 1 s unless told. */
  readonly probeIntervalMs?: number;
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
 * Pulls from a durable consumer shared by every replica and dispatches to typed handlers. A
 * handler failing because a dependency is down (`isDependencyDown`) keeps its message: it and
 * everything pulled meanwhile wait on a `DependencyGate`, heartbeated with `working()`, and
 * spend no deliveries however long the outage lasts.
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
  const held: JsMsg[] = [];
  const keeper = new MessageKeeper(spec.ackWaitMs);
  const tally = new DeliveryTally(spec.durable);
  const report = options.onOutcome ?? (() => undefined);
  const gate = new DependencyGate(
    options.probeIntervalMs ?? 1_000,
    options.probe,
    (err) => report(probeOutcome(spec, err)),
    () => pump(),
  );
  const context: DeliveryContext = { bus, spec, handlers, gate, keeper, report };
  const stopped = signal();
  void stopped.promise.then(() => wakeReader());

  const start = (msg: JsMsg) => {
    const started = performance.now();
    const work = handleOne(context, msg).then((outcome) => {
      const event = outcome.event ?? 'unknown';
      tally.count(event, outcome.kind);
      handlerDuration.record((performance.now() - started) / 1000, {
        consumer: spec.durable,
        event,
        outcome: outcome.kind,
      });
      report(outcome);
      pump();
    });
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      wakeReader();
    });
  };
  // The reader waits for room with one pending promise, woken when a handler finishes, the gate
  // closes or the replica stops. (A Promise.race over every handler in flight, the gate and the
  // stop signal would add a reaction to each per wait, and the long-lived ones keep them all.)
  let wake: (() => void) | undefined;
  const wakeReader = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  let watchedClose: Promise<void> | undefined;
  const roomOrChange = () => {
    if (watchedClose !== gate.closed) {
      watchedClose = gate.closed;
      void watchedClose.then(wakeReader);
    }
    return new Promise<void>((resolve) => {
      wake = resolve;
    });
  };
  // Starts held messages while the gate is open and there is room.
  const pump = () => {
    while (gate.open && !gate.stopping && inFlight.size < concurrency) {
      const next = held.shift();
      if (!next) return;
      keeper.release(next);
      start(next);
    }
  };

  // Pulled but never started when the replica stopped: handed back (nak) once the pulls are
  // gone, so another replica takes them now rather than after the ack wait.
  const toHandBack: JsMsg[] = [];
  const done = (async () => {
    try {
      for await (const msg of messages) {
        if (gate.stopping) {
          // During an outage what is still arriving stays pending, for redelivery after the ack wait.
          if (gate.open) toHandBack.push(msg);
          continue;
        }
        if (gate.open && held.length === 0 && inFlight.size < concurrency) start(msg);
        else {
          held.push(msg);
          keeper.keep(msg);
        }
        // Back-pressure while handlers work. While the gate is closed, keep taking what the
        // server sends into the held queue instead, so nothing sits unheartbeated in the pull buffer.
        while (gate.open && !gate.stopping && inFlight.size >= concurrency) {
          await roomOrChange();
        }
      }
      await Promise.all(inFlight);
    } finally {
      for (const msg of held.splice(0)) {
        keeper.release(msg);
        if (gate.open) toHandBack.push(msg);
      }
      keeper.close();
      tally.close();
    }
  })();

  return {
    done,
    async stop() {
      gate.stop();
      stopped.resolve();
      await endPulls(messages);
      await done;
      // Only now: a nak while pulls were still open would send the message straight back here.
      for (const msg of toHandBack.splice(0)) msg.nak();
    },
  };
}

/**
 * Ends the consumer's pulls so that what the server already sent arrives and nothing more
 * does: drains the pull subscription (unsubscribe, then flush) where the client exposes it,
 * which also ends the iterator, and closes the iterator in any case.
 */
async function endPulls(messages: ConsumerMessages): Promise<void> {
  const sub = (messages as unknown as { sub?: { drain?: () => Promise<void> } }).sub;
  if (typeof sub?.drain === 'function') await sub.drain();
  await messages.close();
}

function probeOutcome(spec: ConsumerSpec, err: unknown): Outcome {
  return {
    consumer: spec.durable,
    subject: '',
    event: undefined,
    streamSequence: 0,
    deliveryCount: 0,
    kind: 'waiting',
    reason: `dependency probe failed: ${errorMessage(err)}`,
    error: err,
  };
}

interface DeliveryContext {
  readonly bus: EventBus;
  readonly spec: ConsumerSpec;
  readonly handlers: Handlers;
  readonly gate: DependencyGate;
  readonly keeper: MessageKeeper;
  readonly report: (outcome: Outcome) => void;
}

async function handleOne(context: DeliveryContext, msg: JsMsg): Promise<Outcome> {
  const { bus, spec, handlers } = context;
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
  const run = () =>
    inConsumerSpan(
      `${event} process`,
      msg.headers,
      attributes,
      async (span): Promise<{ err: unknown } | undefined> => {
        try {
          await handler(parsed.data as EventPayload<EventName>, meta);
          return undefined;
        } catch (err) {
          span?.recordException(err instanceof Error ? err : String(err));
          span?.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
          return { err };
        } finally {
          span?.end();
        }
      },
    );

  for (let failure = await run(); ; failure = await run()) {
    if (!failure) {
      context.gate.markUp();
      msg.ack();
      return { ...base, kind: 'acked' };
    }
    const { err } = failure;
    if (!isDependencyDown(err)) {
      if (!isRetryable(err)) return dead(`permanent failure: ${errorMessage(err)}`, err);
      if (msg.info.deliveryCount >= spec.maxDeliver) {
        return dead(`failed ${msg.info.deliveryCount} deliveries, last error: ${errorMessage(err)}`, err);
      }
      msg.nak(retryDelayMs(spec, msg.info.deliveryCount));
      return { ...base, kind: 'retry', reason: errorMessage(err), error: err };
    }
    // The message is not at fault: keep it, unspent, until the dependency answers.
    context.report({ ...base, kind: 'waiting', reason: errorMessage(err), error: err });
    context.keeper.keep(msg);
    const wake = await context.gate.wait();
    context.keeper.release(msg);
    if (wake === 'stop') {
      return { ...base, kind: 'retry', reason: `stopped while waiting: ${errorMessage(err)}`, error: err };
    }
  }
}
