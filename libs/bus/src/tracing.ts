import type { MsgHdrs } from '@nats-io/nats-core';
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

export const tracer = trace.getTracer('@chat-guard/bus');

const setter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const getter: TextMapGetter<MsgHdrs | undefined> = {
  get: (carrier, key) => carrier?.get(key) || undefined,
  keys: (carrier) => (carrier ? carrier.keys() : []),
};

/** Writes the active trace context (W3C `traceparent`) into NATS headers. */
export function injectTraceContext(context: Context, headers: MsgHdrs): void {
  propagation.inject(context, headers, setter);
}

/** The publisher's trace context carried by a message, or the root context. */
export function extractTraceContext(headers: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, getter);
}

/**
 * Runs `work` in a consumer span that continues the message's trace. When the publisher's trace
 * was not sampled, parent-based sampling would record nothing of the span, so none is made (at a
 * 10% ratio that is nine messages in ten): `work` runs in the publisher's context instead, and
 * what it publishes carries the same unsampled trace on.
 */
export function inConsumerSpan<T>(
  name: string,
  headers: MsgHdrs | undefined,
  attributes: Attributes,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const parent = extractTraceContext(headers);
  const publisher = trace.getSpanContext(parent);
  if (publisher && isSpanContextValid(publisher) && (publisher.traceFlags & TraceFlags.SAMPLED) === 0)
    return context.with(parent, () => work(undefined));
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, work);
}
