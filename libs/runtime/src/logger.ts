import { context, trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log, wherever they appear. */
const SECRET_PATHS = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
];

/** `scheme://user:password@host` with the credentials replaced: URLs are logged, secrets are not. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** The text with the user and password of every URL in it replaced by `[redacted]`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[redacted]@');
}

/** A log argument with credentials in URLs redacted, in strings, error messages and nested fields. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (depth > 4 || typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) {
    const copy = { type: value.name, message: redactUrlCredentials(value.message) } as Record<
      string,
      unknown
    >;
    if (value.stack) copy.stack = redactUrlCredentials(value.stack);
    if (value.cause !== undefined) copy.cause = scrub(value.cause, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** The one JSON logger of a service, bound to its name and version and carrying the trace id. */
export function createLogger(
  service: string,
  version: string,
  level: string,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, version },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: SECRET_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => scrub(arg)) as Parameters<typeof method>);
      },
    },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
