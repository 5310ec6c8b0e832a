// Preloaded with `node --import` so that instrumentation is in place before pg and ioredis load.
import { createRequire, register } from 'node:module';
import { z } from 'zod';
import { parseEnv } from './env.ts';
import { startTelemetry } from './telemetry.ts';

/** Set by the build: the bundles load pg and ioredis through require(), which needs no hook. */
declare const CHAT_GUARD_BUNDLED: true | undefined;

// From source, an ES-module loader hook lets OpenTelemetry patch pg and ioredis as they are
// imported. It wraps only what is instrumented: wrapping every module breaks some packages'
// ESM entry points (discord-api-types' default re-export, for one). The bundles do without it
// (the hook runs on a thread of its own, about 12 MB a service).
if (typeof CHAT_GUARD_BUNDLED === 'undefined')
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['http', 'https', 'node:http', 'node:https', 'pg', 'ioredis'] },
  });

const env = parseEnv(
  z.object({
    OTEL_SERVICE_NAME: z.string().min(1).default('chat-guard'),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(0.1),
    npm_package_version: z.string().default('0.0.0'),
  }),
);

startTelemetry({
  serviceName: env.OTEL_SERVICE_NAME,
  serviceVersion: env.npm_package_version,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  traceSampleRatio: env.TRACE_SAMPLE_RATIO,
});

// http is patched when require()d; the bundles import it as an ES module, so require it once
// here, after the instrumentation is in place.
if (typeof CHAT_GUARD_BUNDLED !== 'undefined')
  for (const name of ['http', 'https']) createRequire(import.meta.url)(name);
