import type { MsgHdrs } from '@nats-io/nats-core';
import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
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
