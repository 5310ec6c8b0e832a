import {
  type Consumption,
  connectBus,
  consume,
  type EventBus,
  errorMessage,
  type Handlers,
  watchMaxDeliveries,
} from '@chat-guard/bus';
import { consumersOf } from '@chat-guard/events';
import { connectPostgres, connectRedis, type Postgres } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { connectWithRetry } from './connectWithRetry.ts';
import { watchConsumerLag } from './consumerLag.ts';
import { type BaseEnv, baseEnv, EnvError, isConfigError, parseEnv } from './env.ts';
import { createLogger, type Logger } from './logger.ts';
import { logOutcome } from './logOutcome.ts';
import { type ReadinessCheck, startOpsServer } from './opsServer.ts';
import { activeTelemetry, startTelemetry } from './telemetry.ts';
import { VERSION } from './version.ts';

export interface ServiceContext<Env extends BaseEnv> {
  readonly env: Env;
  readonly logger: Logger;
  readonly bus: EventBus;
  /** The pool, for services that declare `needs.postgres`. */
  readonly postgres: Postgres;
  /** The client, for services that declare `needs.redis`. */
  readonly redis: Redis;
  /**
   * Starts pulling from one of this service's durable consumers; stopped on drain. Handlers run
   * `concurrency` at a time (default `CONSUMER_CONCURRENCY`).
   */
  consume(durable: string, handlers: Handlers, options?: { concurrency?: number }): Promise<Consumption>;
  /** Runs on drain, after consumers stop and before connections close. */
  onShutdown(task: () => Promise<void>): void;
  /** Adds a dependency of the service's own to /readyz. */
  addReadinessCheck(check: ReadinessCheck): void;
}

export interface ServiceDefinition<Schema extends z.ZodType<BaseEnv>> {
  readonly name: string;
  readonly defaultHttpPort: number;
  readonly env?: Schema;
  readonly needs?: { readonly postgres?: boolean; readonly redis?: boolean };
  start?(context: ServiceContext<z.infer<Schema>>): Promise<void>;
}

/** Exit code for a configuration error (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/**
 * Runs a service: parse the environment, serve health and metrics, connect, provision the
 * topology, start the service's work, and drain on SIGTERM or SIGINT.
 */
export async function runService<Schema extends z.ZodType<BaseEnv>>(
  definition: ServiceDefinition<Schema>,
): Promise<void> {
  let env: z.infer<Schema>;
  try {
    env = parseEnv(definition.env ?? (baseEnv as unknown as Schema));
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    createLogger(definition.name, VERSION, 'info').fatal({ problems: err.problems }, err.message);
    process.exit(EXIT_CONFIG);
  }
  const logger = createLogger(definition.name, VERSION, env.LOG_LEVEL);
  const telemetry =
    activeTelemetry() ??
    startTelemetry({ serviceName: definition.name, serviceVersion: VERSION, otlpEndpoint: undefined });
  const abort = new AbortController();
  const consumptions: Consumption[] = [];
  const shutdownTasks: (() => Promise<void>)[] = [];
  let bus: EventBus | undefined;
  let postgres: Postgres | undefined;
  let redis: Redis | undefined;
  let started = false;

  const extraChecks: ReadinessCheck[] = [];
  const checks = (): ReadinessCheck[] => [
    ...extraChecks,
    { name: 'started', check: () => started && !abort.signal.aborted },
    { name: 'nats', check: () => bus?.connected ?? false },
    ...(definition.needs?.postgres ? [{ name: 'postgres', check: () => ping(postgres) }] : []),
    ...(definition.needs?.redis ? [{ name: 'redis', check: () => redis?.status === 'ready' }] : []),
  ];
  const port = env.HTTP_PORT ?? definition.defaultHttpPort;
  const ops = await startOpsServer(env.HTTP_HOST, port, checks).catch((err: unknown) => {
    logger.fatal(
      { err, host: env.HTTP_HOST, port },
      `cannot serve /healthz on ${env.HTTP_HOST}:${port} (set HTTP_PORT)`,
    );
    return process.exit(1);
  });
  logger.info({ host: env.HTTP_HOST, port: ops.port }, 'serving /healthz, /readyz and /metrics');

  let draining = false;
  const drain = (signal: string) => {
    if (draining) return;
    draining = true;
    void (async () => {
      logger.info({ signal }, 'draining');
      abort.abort();
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'drain timed out; exiting');
        process.exit(1);
      }, env.SHUTDOWN_TIMEOUT_MS);
      deadline.unref();
      await Promise.all(consumptions.map((c) => c.stop()));
      for (const task of shutdownTasks.reverse()) await task();
      await bus?.drain();
      await redis?.quit();
      await postgres?.close();
      await ops.close();
      await telemetry.shutdown();
      logger.info('drained');
      process.exit(0);
    })().catch((err: unknown) => {
      logger.fatal({ err }, 'drain failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => drain('SIGTERM'));
  process.once('SIGINT', () => drain('SIGINT'));

  const startUp = async (): Promise<string[]> => {
    const connectedBus = await connectWithRetry(
      `NATS at ${env.NATS_URL} (NATS_URL)`,
      () =>
        connectBus({
          servers: env.NATS_URL.split(',').map((s: string) => s.trim()),
          name: definition.name,
          namespace: env.NATS_NAMESPACE,
          replicas: env.NATS_REPLICAS,
        }),
      logger,
      abort.signal,
      env.CONNECT_DEADLINE_MS,
    );
    bus = connectedBus;
    const steps = await bus.provision();
    logger.info(
      { changed: steps.filter((s) => s.result !== 'unchanged') },
      'streams and consumers provisioned',
    );
    const ownConsumers = consumersOf(definition.name, bus.topology);
    watchMaxDeliveries(bus, ownConsumers, (err) => logger.error({ err }, 'dead-lettering failed'));
    const lag = watchConsumerLag(bus, ownConsumers, env.LAG_POLL_INTERVAL_MS, (err) =>
      logger.warn({ err: errorMessage(err) }, 'reading consumer lag failed'),
    );
    shutdownTasks.push(() => lag.stop());

    if (definition.needs?.postgres) {
      postgres = connectPostgres(env.DATABASE_URL, {
        applicationName: definition.name,
        onError: (err) =>
          logger.error({ err: errorMessage(err) }, 'postgres connection error (DATABASE_URL)'),
      });
    }
    if (definition.needs?.redis) {
      const client = connectRedis(env.REDIS_URL, definition.name, env.NATS_NAMESPACE);
      client.on('error', (err: Error) =>
        logger.warn({ err: err.message }, 'redis connection error (REDIS_URL)'),
      );
      redis = client;
    }

    const declared = <T>(what: string, value: T | undefined): T => {
      if (value === undefined)
        throw new Error(`${definition.name} uses ${what} without declaring needs.${what}`);
      return value;
    };
    await definition.start?.({
      env,
      logger,
      bus,
      get postgres() {
        return declared('postgres', postgres);
      },
      get redis() {
        return declared('redis', redis);
      },
      async consume(durable, handlers, options) {
        const spec = ownConsumers.find((c) => c.durable === durable);
        if (!spec) throw new Error(`${definition.name} declares no consumer named ${durable}`);
        const consumption = await consume(connectedBus, spec, handlers, {
          concurrency: options?.concurrency ?? env.CONSUMER_CONCURRENCY,
          onOutcome: (outcome) => logOutcome(logger, outcome),
          probe: () => probeDependencies(connectedBus, postgres, redis),
        });
        consumptions.push(consumption);
        return consumption;
      },
      onShutdown(task) {
        shutdownTasks.push(task);
      },
      addReadinessCheck(check) {
        extraChecks.push(check);
      },
    });
    return ownConsumers.map((c) => c.durable);
  };
  try {
    const consumers = await startUp();
    started = true;
    logger.info({ consumers }, 'ready');
  } catch (err) {
    if (abort.signal.aborted) return; // stopped while starting: the drain exits
    if (isConfigError(err)) {
      // One line that names the setting; a restart would only fail the same way.
      logger.fatal({ variable: err.variable }, err.message);
      process.exit(EXIT_CONFIG);
    }
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
}

/** Throws while a dependency of the service is down; the consumer waits on it before retrying. */
async function probeDependencies(bus: EventBus, postgres: Postgres | undefined, redis: Redis | undefined) {
  if (!bus.connected) throw new Error('NATS is disconnected');
  await postgres?.ping();
  if (redis && redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
}

async function ping(postgres: Postgres | undefined): Promise<boolean> {
  if (!postgres) return false;
  await postgres.ping();
  return true;
}
