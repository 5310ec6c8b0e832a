import { connectBus, type EventBus } from '@chat-guard/bus';
import { consumersOf } from '@chat-guard/events';
import { announceGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import {
  connectPostgres,
  dropDatabase,
  ensureDatabase,
  migrateToLatest,
  type Postgres,
} from '@chat-guard/store';
import { services } from '../services.ts';
import { supervise } from '../supervise.ts';
import { childrenOf, pidsByName } from './procStat.ts';
import { SandboxHost } from './sandboxClient.ts';
import type { HostSpec } from './sandboxProtocol.ts';

/** The six core services, run as the image runs them (compiled, CHAT_GUARD_RUNTIME=compiled). */
export const CORE_SERVICES = services
  .map((s) => s.name)
  .filter((name) => name !== 'verifier' && name !== 'dashboard');

/** The actor the benchmark's configuration changes are recorded under (the sandbox's bot). */
const BENCH_ACTOR = '1000000000000000000';

export interface PipelineOptions {
  readonly natsUrl: string;
  readonly redisUrl: string;
  /** A PostgreSQL database to create the benchmark's own database from. */
  readonly adminDatabaseUrl: string;
  readonly host: Omit<HostSpec, 'seed'>;
  readonly log: (line: string) => void;
}

/** The sandbox process, a database, a NATS namespace and the six services for one run. */
export class Pipeline {
  private constructor(
    readonly host: SandboxHost,
    readonly bus: EventBus,
    readonly postgres: Postgres,
    readonly databaseName: string,
    private readonly options: PipelineOptions,
    private readonly stopServices: () => Promise<void>,
  ) {}

  static async start(options: PipelineOptions): Promise<Pipeline> {
    const suffix = Date.now().toString(36);
    const url = new URL(options.adminDatabaseUrl);
    url.pathname = `/cg_bench_${suffix}`;
    await ensureDatabase(url.toString());
    const postgres = connectPostgres(url.toString(), {
      applicationName: 'chat-guard bench',
      onError: (e) => options.log(e.message),
    });
    await migrateToLatest(postgres.db);
    const namespace = `bench${suffix}`;
    const bus = await connectBus({ servers: options.natsUrl, name: 'chat-guard bench', namespace });
    await bus.provision();
    // A new seed each run: new guild ids, so nothing a past run left in Redis counts in this one.
    const host = await SandboxHost.start({ ...options.host, seed: Date.now() % 1_000_000_007 });
    // Every guard on in the chat guilds; their spam threshold allows the chat's pace per author.
    // The wave's guild keeps the defaults, as a server that never changed them.
    const chat = { linkGuard: true, characterLimit: true, spamThreshold: 60 };
    for (const guildId of host.ready.chatGuilds) {
      const update = await updateGuildConfig(postgres.db, guildId, () => chat, BENCH_ACTOR);
      await announceGuildConfig(
        bus,
        guildId,
        { config: update.after, revision: update.revision },
        BENCH_ACTOR,
        Date.now(),
      );
    }
    const ready = new Set<string>();
    const supervisor = supervise(
      CORE_SERVICES.map((name) => ({
        name,
        env: {
          CHAT_GUARD_RUNTIME: 'compiled',
          NATS_URL: options.natsUrl,
          NATS_NAMESPACE: namespace,
          REDIS_URL: options.redisUrl,
          DATABASE_URL: url.toString(),
          DISCORD_API_URL: host.ready.api,
          DISCORD_TOKEN: host.ready.token,
          HTTP_PORT: '0',
        },
      })),
      {
        raw: false,
        verbose: false,
        write: options.log,
        onLog: (service, entry) => entry.msg === 'ready' && ready.add(service),
      },
    );
    const pipeline = new Pipeline(host, bus, postgres, url.pathname.slice(1), options, () =>
      supervisor.stop(),
    );
    try {
      await waitUntil(
        async () =>
          ready.size === CORE_SERVICES.length && (await host.registered()) === host.ready.guilds.length,
        180_000,
        'the services were not ready',
      );
    } catch (err) {
      await pipeline.stop();
      throw err;
    }
    return pipeline;
  }

  /** The services' process ids, by name. */
  servicePids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const { pid, cmdline } of childrenOf(process.pid)) {
      const name = CORE_SERVICES.find((s) => cmdline.includes(`/services/${s}/main.mjs`));
      if (name) pids.set(name, pid);
    }
    return pids;
  }

  /**
   * Every process the pipeline's work runs in, each with what it is: the services by name,
   * nats-server, redis-server, and PostgreSQL's backends for this database and its writers.
   */
  async workProcesses(): Promise<Map<number, string>> {
    const backends = await this.postgres.pool.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where (datname = $1 and application_name <> 'chat-guard bench')
           or backend_type in ('checkpointer', 'background writer', 'walwriter')`,
      [this.databaseName],
    );
    const processes = new Map<number, string>();
    for (const [name, pid] of this.servicePids()) processes.set(pid, name);
    for (const pid of pidsByName('nats-server')) processes.set(pid, 'nats-server');
    for (const pid of pidsByName('redis-server')) processes.set(pid, 'redis-server');
    for (const { pid } of backends.rows) processes.set(pid, 'postgres');
    return processes;
  }

  /**
   * Messages each running service's consumer has not yet settled (pending + awaiting ack).
   * The verifier's consumers are provisioned too, but nobody reads them in the benchmark.
   */
  async unsettledByConsumer(): Promise<Map<string, number>> {
    const unsettled = new Map<string, number>();
    for (const spec of CORE_SERVICES.flatMap((name) => consumersOf(name, this.bus.topology))) {
      const info = await this.bus.jsm.consumers.info(this.bus.ns.stream(spec.stream), spec.durable);
      unsettled.set(spec.durable, info.num_pending + info.num_ack_pending);
    }
    return unsettled;
  }

  /** Messages the running services' consumers have not yet settled, in all. */
  async unsettled(): Promise<number> {
    let total = 0;
    for (const n of (await this.unsettledByConsumer()).values()) total += n;
    return total;
  }

  /** How many messages the content-filter has judged (acked) in all. */
  async judged(): Promise<number> {
    const info = await this.bus.jsm.consumers.info(this.bus.ns.stream('DISCORD'), 'content-filter');
    return info.ack_floor.consumer_seq;
  }

  async stop(): Promise<void> {
    await this.stopServices();
    for (const stream of this.bus.topology.streams)
      await this.bus.jsm.streams.delete(this.bus.ns.stream(stream.name));
    await this.bus.drain();
    await this.host.close();
    await this.postgres.close();
    // The bench's own database, by way of the server's maintenance database: the URL the bench
    // was given may name a database that does not exist (it is only the server's address).
    const url = new URL(this.options.adminDatabaseUrl);
    url.pathname = `/${this.databaseName}`;
    await dropDatabase(url.toString());
  }
}

/** Polls `done` every 200 ms; throws `what` after `timeoutMs`. */
export async function waitUntil(
  done: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
