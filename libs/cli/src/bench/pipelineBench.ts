import { connectBus, type EventBus } from '@chat-guard/bus';
import { announceGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import { type Sandbox, startSandbox, UserActionRejectedError } from '@chat-guard/sandbox';
import { connectPostgres, ensureDatabase, migrateToLatest, type Postgres } from '@chat-guard/store';
import pg from 'pg';
import { supervise } from '../supervise.ts';
import { benchContent } from './benchMessages.ts';
import { quantile } from './stats.ts';

export interface PipelineSetup {
  readonly sandbox: Sandbox;
  readonly bus: EventBus;
  readonly postgres: Postgres;
  /** Authors by guild, channels by guild. */
  readonly authors: { guildId: string; channelId: string; userId: string }[];
  stop(): Promise<void>;
}

const BENCH_GUILDS = 12;

/** Sandbox, database, namespace and services for one benchmark run; `stop` removes them all. */
export async function setUpPipeline(natsUrl: string, adminDatabaseUrl: string, log: (line: string) => void) {
  const suffix = Date.now().toString(36);
  const namespace = `bench${suffix}`;
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/cg_bench_${suffix}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const postgres = connectPostgres(databaseUrl, {
    applicationName: 'chat-guard bench',
    onError: (e) => log(e.message),
  });
  await migrateToLatest(postgres.db);
  const bus = await connectBus({ servers: natsUrl, name: 'chat-guard bench', namespace });
  await bus.provision();
  const sandbox = await startSandbox({
    guilds: Array.from({ length: BENCH_GUILDS }, () => ({ members: 60 })),
    seed: 2026,
    maxMessagesPerGuild: 5_000,
  });
  // Every guard on; the spam threshold allows the benchmark's chat pace per author.
  for (const guildId of sandbox.guilds) {
    const update = await updateGuildConfig(
      postgres.db,
      guildId,
      () => ({ linkGuard: true, characterLimit: true, spamThreshold: 60 }),
      'chat-guard',
    );
    await announceGuildConfig(
      bus,
      guildId,
      { config: update.after, revision: update.revision },
      '0',
      Date.now(),
    );
  }
  const supervisor = supervise(
    ['gateway', 'content-filter', 'enforcer', 'log-writer'].map((name) => ({
      name,
      env: {
        NATS_URL: natsUrl,
        NATS_NAMESPACE: namespace,
        DATABASE_URL: databaseUrl,
        DISCORD_API_URL: sandbox.api,
        DISCORD_TOKEN: sandbox.token,
        HTTP_PORT: '0',
        LOG_LEVEL: 'warn',
      },
    })),
    { raw: false, verbose: false, write: log },
  );
  await waitUntil(async () => {
    const registered = new Set(
      sandbox.inspect.actions({ kind: 'commands.overwritten' }).map((a) => a.guildId),
    );
    const consumers = await Promise.all(
      ['content-filter', 'enforcer'].map((d) =>
        bus.jsm.consumers.info(bus.ns.stream(d === 'enforcer' ? 'VERDICTS' : 'DISCORD'), d),
      ),
    );
    return registered.size === sandbox.guilds.length && consumers.every((c) => c.num_waiting > 0);
  }, 120_000);
  const authors = sandbox.guilds.flatMap((guildId) => {
    const guild = sandbox.inspect.guild(guildId);
    const channels = ['general', 'chat', 'media'].map((n) => guild.channels[n] ?? '');
    return guild.memberIds.map((userId, i) => ({
      guildId,
      channelId: channels[i % channels.length] ?? '',
      userId,
    }));
  });
  return {
    sandbox,
    bus,
    postgres,
    authors,
    async stop() {
      await supervisor.stop();
      for (const stream of bus.topology.streams) await bus.jsm.streams.delete(bus.ns.stream(stream.name));
      await bus.drain();
      await sandbox.close();
      await postgres.close();
      const admin = new pg.Client({ connectionString: adminDatabaseUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${pg.escapeIdentifier(url.pathname.slice(1))} with (force)`);
      await admin.end();
    },
  } satisfies PipelineSetup;
}

async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`the pipeline was not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Posts the n-th benchmark message. Violations rotate through the authors on their own, so no
 * author collects three and is timed out (the sandbox would then refuse their messages).
 */
function poster(setup: PipelineSetup) {
  let violations = 0;
  let refused = 0;
  return {
    get refused() {
      return refused;
    },
    post(n: number): { id: string; createdAt: number; violating: boolean } | undefined {
      const { content, violating } = benchContent(n, setup.authors.length, 1);
      const index = violating ? violations++ * 7 : n;
      const author = setup.authors[index % setup.authors.length];
      if (!author) return undefined;
      try {
        const message = setup.sandbox.users.postMessage({
          channelId: author.channelId,
          userId: author.userId,
          content,
        });
        return { id: message.id, createdAt: message.createdAt, violating };
      } catch (err) {
        // A member the run timed out after all (or slowmode): counted and reported. Anything
        // else is a broken run, not a refusal.
        if (!(err instanceof UserActionRejectedError)) throw err;
        refused++;
        return undefined;
      }
    },
  };
}

/** Resolves when the content-filter has judged (acked) `count` messages in all. */
async function filterCaughtUp(setup: PipelineSetup, count: number, timeoutMs: number): Promise<void> {
  await waitUntil(async () => {
    const info = await setup.bus.jsm.consumers.info(setup.bus.ns.stream('DISCORD'), 'content-filter');
    return info.ack_floor.consumer_seq >= count && info.num_ack_pending === 0 && info.num_pending === 0;
  }, timeoutMs);
}

/** Posts `count` messages as fast as the sandbox takes them; returns judged messages per second. */
export async function measurePipelineRate(
  setup: PipelineSetup,
  count: number,
  judgedBefore: number,
): Promise<number> {
  const messages = poster(setup);
  const started = performance.now();
  let posted = 0;
  for (let n = 0; n < count; n++) {
    if (messages.post(n)) posted++;
    if (n % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  await filterCaughtUp(setup, judgedBefore + posted, 600_000);
  return posted / ((performance.now() - started) / 1000);
}

/**
 * Posts at `perSecond` for `seconds`, one message in a hundred breaking a rule, and returns
 * the latency of each violation from the gateway's receipt to the enforcer's delete call.
 */
export async function measureLatency(setup: PipelineSetup, perSecond: number, seconds: number) {
  const posted = new Map<string, number>();
  const tickMs = 10;
  const perTick = (perSecond * tickMs) / 1000;
  const ticks = (seconds * 1000) / tickMs;
  const since = Date.now();
  const start = performance.now();
  const messages = poster(setup);
  let n = 0;
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < perTick; i++, n++) {
      const message = messages.post(n);
      if (message?.violating) posted.set(message.id, message.createdAt);
    }
    const wait = start + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const achieved = n / ((performance.now() - start) / 1000);
  await waitUntil(async () => {
    const gone = new Set(
      setup.sandbox.inspect.actions({ kind: 'message.deleted', since }).flatMap((a) => a.messageIds ?? []),
    );
    return [...posted.keys()].every((id) => gone.has(id));
  }, 300_000);
  const latencies = setup.sandbox.inspect
    .actions({ kind: 'message.deleted', since })
    .flatMap((a) => (a.messageIds ?? []).map((id) => a.at - (posted.get(id) ?? a.at)))
    .filter((ms) => ms >= 0);
  return {
    achieved,
    violations: posted.size,
    refused: messages.refused,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}
