import { consume } from '@chat-guard/bus';
import { context, propagation, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  busFactory,
  messageCreatedPayload,
  testConsumer,
  testTopology,
  uniqueNamespace,
  waitFor,
} from '../support/bus.ts';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const spec = testConsumer();
const factory = busFactory(uniqueNamespace(), testTopology([spec]));

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await factory.cleanup();
  await provider.shutdown();
});

it('makes the consumer span a child of the publisher span across NATS', async () => {
  const publisher = await factory.open('publisher');
  await publisher.provision();
  const consumerBus = await factory.open('consumer');
  let traceparent: string | undefined;
  let handlerTraceId: string | undefined;
  const consumption = await consume(consumerBus, spec, {
    'message.created': async (_payload, meta) => {
      traceparent = meta.headers?.get('traceparent');
      handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
    },
  });

  const tracer = trace.getTracer('test');
  await tracer.startActiveSpan('gateway receives a message', async (root) => {
    await publisher.publish('message.created', messageCreatedPayload());
    root.end();
  });
  await waitFor(() => handlerTraceId !== undefined, 'the handler');
  await consumption.stop();

  const spans = exporter.getFinishedSpans();
  const root = spans.find((s) => s.name === 'gateway receives a message');
  const publish = spans.find((s) => s.kind === SpanKind.PRODUCER);
  const processing = spans.find((s) => s.kind === SpanKind.CONSUMER);
  expect(root && publish && processing).toBeTruthy();
  expect(publish?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
  expect(processing?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
  expect(processing?.spanContext().traceId).toBe(root?.spanContext().traceId);
  expect(handlerTraceId).toBe(root?.spanContext().traceId);
  expect(traceparent).toMatch(new RegExp(`^00-${root?.spanContext().traceId}-[0-9a-f]{16}-01$`));
});

it("carries a publisher's unsampled trace on through the handler and records no span of it", async () => {
  const publisher = await factory.open('unsampled publisher');
  await publisher.provision();
  const consumerBus = await factory.open('unsampled consumer');
  let handlerTrace: { traceId: string; traceFlags: number } | undefined;
  let recordingInHandler: boolean | undefined;
  const consumption = await consume(consumerBus, spec, {
    'message.created': async () => {
      const active = trace.getSpanContext(context.active());
      recordingInHandler = trace.getActiveSpan()?.isRecording() ?? false;
      handlerTrace = active && { traceId: active.traceId, traceFlags: active.traceFlags };
    },
  });

  const traceId = 'a1'.repeat(16);
  const unsampled = trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: 'b2'.repeat(8),
    traceFlags: TraceFlags.NONE,
    isRemote: true,
  });
  exporter.reset();
  await context.with(unsampled, () => publisher.publish('message.created', messageCreatedPayload()));
  await waitFor(() => handlerTrace !== undefined, 'the handler');
  await consumption.stop();

  // What the handler publishes is injected from this context: the same trace, still unsampled.
  expect(handlerTrace).toEqual({ traceId, traceFlags: TraceFlags.NONE });
  expect(recordingInHandler).toBe(false);
  expect(exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)).toEqual([]);
});
