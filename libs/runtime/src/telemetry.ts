import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { startRuntimeMetrics } from './runtimeMetrics.ts';

export interface Telemetry {
  /** Serves the Prometheus text format on a server of the service's own. */
  readonly prometheus: PrometheusExporter;
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** OTLP/HTTP traces endpoint base, e.g. http://otel-collector:4318; traces stay local without it. */
  readonly otlpEndpoint: string | undefined;
  /**
   * Share of new traces recorded, 0 to 1 (1 unless told); a span whose parent is in the
   * message's trace context follows the parent's choice, so a trace is whole or absent.
   */
  readonly traceSampleRatio?: number;
}

let current: Telemetry | undefined;

/** The telemetry started in this process, if any. */
export function activeTelemetry(): Telemetry | undefined {
  return current;
}

/**
 * Starts the OpenTelemetry SDK once per process: traces (exported over OTLP when an endpoint
 * is set), metrics for Prometheus (with the Node.js runtime's), and instrumentation of http, pg and ioredis. It has to run
 * before pg and ioredis are loaded, which is why services preload `instrument.ts`.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (current) return current;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const spanProcessor = options.otlpEndpoint
    ? new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
      )
    : // Spans still get ids, so logs carry a trace id even when nothing is exported.
      new NoopSpanProcessor();
  // No detected process or host attributes: /metrics must not show the command line (which
  // may carry arguments) nor internal host names; the service name and version are enough.
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.serviceName,
    [ATTR_SERVICE_VERSION]: options.serviceVersion,
  });
  // The tracer and meter providers themselves rather than the all-in-one NodeSDK: it loads every
  // exporter and its file-configuration validator (megabytes each service would hold for nothing).
  // Unsampled spans are non-recording: the hot path then pays for ids and context only.
  const sampler = new ParentBasedSampler({
    root: new TraceIdRatioBasedSampler(options.traceSampleRatio ?? 1),
  });
  const tracerProvider = new NodeTracerProvider({ resource, sampler, spanProcessors: [spanProcessor] });
  tracerProvider.register();
  const meterProvider = new MeterProvider({ resource, readers: [prometheus] });
  metrics.setGlobalMeterProvider(meterProvider);
  const unregister = registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? ''),
      }),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  startRuntimeMetrics();
  current = {
    prometheus,
    async shutdown() {
      unregister();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
  return current;
}
