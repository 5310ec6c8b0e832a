import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connectBus, type EventBus } from '@chat-guard/bus';
import { consumersOf, DEAD_LETTER_STREAM } from '@chat-guard/events';
import { announceGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import { verifyGuildChain } from '@chat-guard/log-writer';
import { type Sandbox, startSandbox, UserActionRejectedError } from '@chat-guard/sandbox';
import { connectPostgres, ensureDatabase, migrateToLatest } from '@chat-guard/store';
import { services as allServices, repoRoot, serviceArgs } from '../services.ts';
import type { PrivateDeps } from './privateDeps.ts';

/** The six core services (the dashboard serves people, not the pipeline the faults measure). */
const services = allServices.filter((s) => s.name !== 'dashboard');

/** One fault: what it does to the running system, and how long to wait for the system after it. */
export interface Fault {
  readonly name: string;
  inject(system: FaultSystem): Promise<void>;
}

export interface FaultResult {
  readonly fault: string;
  readonly sent: number;
  readonly refused: number;
  readonly actions: number;
  readonly lost: number;
  readonly doubled: number;
  /** Joins posted, and how many the invite-tracker recorded (judged). */
  readonly joins: number;
  readonly joinsJudged: number;
  /** Events the services gave up on during this fault (the dead-letter stream's growth). */
  readonly deadLettered: number;
  /** From the end of the fault until the counting. */
  readonly drainedS: number;
  /** Services that died on their own during the fault (and were started again). */
  readonly crashes: number;
  readonly recoveryS: number | null;
  readonly auditOk: boolean;
}

/** The actor id the fault run's own configuration change is recorded under (the sandbox's bot). */
const FAULTS_ACTOR = '1000000000000000000';

/** How much of a service's log is kept for the report when it dies on its own. */
const TAIL_CHARS = 4_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The whole system on the sandbox, with its own NATS, Redis and PostgreSQL. */
export class FaultSystem {
  readonly #running = new Map<string, ChildProcess>();
  #stopping = false;
  /** The next member to post: each posts once in a run. */
  nextAuthor = 3;
  private constructor(
    readonly deps: PrivateDeps,
    readonly sandbox: Sandbox,
    readonly guildId: string,
    private readonly log: (line: string) => void,
  ) {}

  static async start(deps: PrivateDeps, log: (line: string) => void): Promise<FaultSystem> {
    await ensureDatabase(deps.databaseUrl);
    const postgres = connectPostgres(deps.databaseUrl, { onError: (err) => log(`postgres: ${err.message}`) });
    try {
      await migrateToLatest(postgres.db);
    } finally {
      await postgres.close();
    }
    // Enough members that no author posts twice in a run: a violation escalates (a timeout the
    // next time), and a timed-out author's messages are refused by Discord, not judged.
    const sandbox = await startSandbox({ guilds: [{ members: 4_000 }], seed: 99, rateLimits: true });
    const system = new FaultSystem(deps, sandbox, sandbox.guilds[0] ?? '', log);
    try {
      await Promise.all(services.map((s) => system.startService(s.name)));
      await system.shadowLockdowns();
    } catch (err) {
      await system.stop();
      throw err;
    }
    return system;
  }

  /**
   * Lockdowns in shadow mode: the steady joins may look like a raid to the detector, and a
   * lockdown's send ban would turn the rest of the load into refusals nobody judges.
   */
  async shadowLockdowns(): Promise<void> {
    const postgres = connectPostgres(this.deps.databaseUrl, {
      onError: (err) => this.log(`postgres: ${err.message}`),
    });
    const bus = await connectBus({ servers: this.deps.natsUrl, name: 'faults' });
    try {
      const update = await updateGuildConfig(
        postgres.db,
        this.guildId,
        (c) => ({ lockdown: { ...c.lockdown, mode: 'shadow' } }),
        FAULTS_ACTOR,
      );
      await announceGuildConfig(
        bus,
        this.guildId,
        { config: update.after, revision: update.revision },
        FAULTS_ACTOR,
        Date.now(),
      );
    } finally {
      await bus.nc.close();
      await postgres.close();
    }
  }

  readonly #verifySecret = randomBytes(32).toString('hex');

  /** Starts one service and resolves when it says it is ready. */
  async startService(name: string): Promise<void> {
    const child = spawn(process.execPath, serviceArgs(name), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NATS_URL: this.deps.natsUrl,
        REDIS_URL: this.deps.redisUrl,
        DATABASE_URL: this.deps.databaseUrl,
        DISCORD_API_URL: this.sandbox.api,
        DISCORD_TOKEN: this.sandbox.token,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        // The verify page on a free port too: a run must not collide with `npm run up` on 8090.
        WEB_PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FLUSH_INTERVAL_MS: '200',
        OTEL_SERVICE_NAME: name,
        // The verifier signs its links; a fault run makes its own secret, as `up` does.
        VERIFY_SECRET: this.#verifySecret,
      },
    });
    this.#running.set(name, child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"msg":"ready"')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`${name} exited (${code}) before it was ready:\n${out.slice(-2000)}`)),
      );
    });
    // Ready: only the tail of its log is kept, for the report if it dies on its own.
    let tail = '';
    const keepTail = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
    };
    child.stdout?.removeAllListeners('data').on('data', keepTail);
    child.stderr?.removeAllListeners('data').on('data', keepTail);
    child.removeAllListeners('exit');
    child.once('exit', (code, signal) => {
      if (this.#stopping || signal === 'SIGKILL') return;
      // As Kubernetes would: a service that dies on its own is counted and started again.
      this.crashes += 1;
      this.log(`${name} exited on its own (${code ?? signal}); starting it again. Its last words:`);
      // The error itself, not the end of its stack: the last lines that name one.
      const lines = tail.trim().split('\n');
      const errors = lines.filter((l) => /Error|"level":(50|60)/.test(l)).slice(-2);
      for (const line of errors.length > 0 ? errors : lines.slice(-3)) this.log(`    ${line.slice(0, 400)}`);
      void this.#restart(name);
    });
  }

  /** Services that died on their own since the run began. */
  crashes = 0;

  /** Starts a service that died again, backing off (1 s doubling to 30 s) while it cannot start. */
  async #restart(name: string): Promise<void> {
    for (let delayMs = 1_000; !this.#stopping; delayMs = Math.min(delayMs * 2, 30_000)) {
      await sleep(delayMs);
      if (this.#stopping) return;
      try {
        await this.startService(name);
        return;
      } catch (err) {
        this.log(`${name} did not start again: ${String(err).split('\n')[0]}`);
      }
    }
  }

  /** `kill -9` of services; each is started again after 1 s (`whileDown` runs meanwhile). */
  async killAndRestart(names: readonly string[], whileDown?: () => void): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        const child = this.#running.get(name);
        if (!child) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    whileDown?.();
    await sleep(1_000);
    await Promise.all(names.map((name) => this.startService(name)));
  }

  /** Messages waiting in every consumer of every stream: delivered but unacknowledged, or not yet delivered. */
  async backlog(): Promise<number> {
    const bus = await this.#admin();
    let waiting = 0;
    for (const spec of services.flatMap((s) => consumersOf(s.name))) {
      const info = await bus.jsm.consumers.info(spec.stream, spec.durable);
      waiting += info.num_pending + info.num_ack_pending;
    }
    return waiting;
  }

  /** How many messages the dead-letter stream holds. */
  async deadLettered(): Promise<number> {
    const bus = await this.#admin();
    const info = await bus.jsm.streams.info(DEAD_LETTER_STREAM).catch((err: unknown) => {
      if (String(err).includes('stream not found')) return null;
      throw err;
    });
    return info?.state.messages ?? 0;
  }

  /** Of these joined users, the ones the invite-tracker recorded in the join history. */
  async joinsRecorded(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const postgres = connectPostgres(this.deps.databaseUrl, {
      onError: (err) => this.log(`postgres (joins): ${err.message}`),
    });
    try {
      const rows = await postgres.db
        .selectFrom('member_join')
        .select('user_id')
        .where('guild_id', '=', this.guildId)
        .where('user_id', 'in', [...userIds])
        .execute();
      return new Set(rows.map((r) => r.user_id));
    } catch (err) {
      // PostgreSQL may still be coming back from its own fault: not judged yet.
      this.log(`reading the join history failed: ${err instanceof Error ? err.message : String(err)}`);
      return new Set();
    } finally {
      await postgres.close();
    }
  }

  #adminBus: EventBus | null = null;
  async #admin(): Promise<EventBus> {
    this.#adminBus ??= await connectBus({ servers: this.deps.natsUrl, name: 'faults-counting' });
    return this.#adminBus;
  }

  /** A line for the run's log. */
  report(line: string): void {
    this.log(line);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#adminBus?.nc.close();
    await Promise.all(
      [...this.#running.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await this.sandbox.close();
  }
}

/** The faults, by name: each one at a time, against a steady load. */
export const FAULTS: readonly Fault[] = [
  ...services.map((s) => ({
    name: `kill -9 ${s.name}`,
    inject: (system: FaultSystem) => system.killAndRestart([s.name]),
  })),
  {
    name: 'kill -9 gateway + log-writer',
    inject: (system) => system.killAndRestart(['gateway', 'log-writer']),
  },
  {
    // Discord forgets the session meanwhile: the resume is refused and the channels are read back.
    name: 'kill -9 gateway (session expired)',
    inject: (system) =>
      system.killAndRestart(['gateway'], () => system.sandbox.faults.invalidateGatewaySessions()),
  },
  { name: 'NATS restart (5 s)', inject: (system) => system.deps.restartNats(5_000) },
  { name: 'Redis restarted empty', inject: (system) => system.deps.restartRedisEmpty() },
  {
    name: 'PostgreSQL down 30 s',
    inject: async (system) => {
      await system.deps.stopPostgres();
      await sleep(30_000);
      await system.deps.startPostgres();
    },
  },
  {
    name: 'PostgreSQL down 90 s',
    inject: async (system) => {
      await system.deps.stopPostgres();
      await sleep(90_000);
      await system.deps.startPostgres();
    },
  },
  {
    name: '429 storm (10 s)',
    inject: async (system) => {
      system.sandbox.faults.rateLimitStorm(0.5, { retryAfterMs: 1_000 });
      await sleep(10_000);
      system.sandbox.faults.clear();
    },
  },
  {
    name: '5xx after the effect (10 s)',
    inject: async (system) => {
      system.sandbox.faults.serverErrors(0.3, { afterEffect: true });
      await sleep(10_000);
      system.sandbox.faults.clear();
    },
  },
  {
    name: 'gateway disconnect and resume',
    inject: async (system) => {
      system.sandbox.faults.dropGatewayConnections();
      await sleep(2_000);
    },
  },
];

/** The short subset `npm test` runs. */
export const QUICK_FAULTS = ['kill -9 enforcer', '5xx after the effect (10 s)'];

/** How long a fault's backlog must stay empty before what was not acted on counts as lost. */
const QUIET_MS = 3_000;

/**
 * Runs one fault under load: a message with an invite link every 250 ms, a join every 4 s,
 * before, during and after it. Then it waits, at most `drainMs`, until every violation was acted
 * on or the system has nothing left to do (every consumer's backlog empty for 3 s), and only then
 * counts: a violation not acted on by then is lost, not late.
 */
export async function runFault(system: FaultSystem, fault: Fault, drainMs: number): Promise<FaultResult> {
  const { sandbox, guildId } = system;
  const view = sandbox.inspect.guild(guildId);
  const channel = view.channels.general ?? '';
  const members = view.memberIds;
  const posted = new Map<string, number>();
  const joined: string[] = [];
  let refused = 0;
  let n = 0;
  let loading = true;
  const deadBefore = await system.deadLettered();
  const crashesBefore = system.crashes;
  const load = (async () => {
    while (loading) {
      n += 1;
      const author = members[system.nextAuthor++ % members.length] ?? '';
      try {
        const message = sandbox.actions.postMessage({
          channelId: channel,
          userId: author,
          content: `join us at discord.gg/fault${n}x`,
        });
        posted.set(message.id, Date.now());
      } catch (err) {
        if (!(err instanceof UserActionRejectedError)) throw err;
        refused += 1; // timed out by an earlier violation: Discord would refuse it too
      }
      if (n % 16 === 0) joined.push(sandbox.users.addMember({ guildId }).user.id);
      await sleep(250);
    }
  })();
  const since = Date.now();
  await sleep(2_000);
  await fault.inject(system);
  const cleared = Date.now();
  await sleep(3_000);
  loading = false;
  await load;
  // Deletions of this fault's messages only: a backlog left by an earlier fault is not ours.
  const deletions = () => {
    const counts = new Map<string, number>();
    const actions = [
      ...sandbox.inspect.actions({ kind: 'message.deleted', guildId, since }),
      ...sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId, since }),
    ];
    for (const action of actions)
      for (const id of action.messageIds ?? []) if (posted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  };
  const judgedJoins = () => system.joinsRecorded(joined);
  const deadline = Date.now() + drainMs;
  let quietSince: number | null = null;
  for (;;) {
    const done = deletions().size === posted.size && (await judgedJoins()).size === joined.length;
    if (done || Date.now() >= deadline) break;
    // Nothing waits in any consumer: what is still not acted on never will be.
    const waiting = await system.backlog().catch((err: unknown) => {
      system.report(`reading the consumers' backlog failed; waiting on: ${String(err)}`);
      return -1;
    });
    quietSince = waiting === 0 ? (quietSince ?? Date.now()) : null;
    if (quietSince !== null && Date.now() - quietSince >= QUIET_MS) break;
    await sleep(500);
  }
  await sleep(1_000); // room for a doubled action to show up
  const counts = deletions();
  const judged = await judgedJoins();
  const lost = [...posted.keys()].filter((id) => !counts.has(id)).length;
  const doubled = [...counts.values()].filter((c) => c > 1).length;
  const after = sandbox.inspect.actions({ kind: 'message.deleted', guildId, since: cleared });
  const bulkAfter = sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId, since: cleared });
  const firstAfter = [...after, ...bulkAfter]
    .filter((a) => (a.messageIds ?? []).some((id) => (posted.get(id) ?? 0) >= cleared))
    .sort((a, b) => a.at - b.at)[0];
  const postgres = connectPostgres(system.deps.databaseUrl, {
    onError: (err) => system.report(`postgres (audit verify): ${err.message}`),
  });
  let auditOk = false;
  try {
    auditOk = (await verifyGuildChain(postgres.db, guildId)).problem === undefined;
  } finally {
    await postgres.close();
  }
  return {
    fault: fault.name,
    sent: posted.size,
    refused,
    actions: [...counts.values()].reduce((a, b) => a + b, 0),
    lost,
    doubled,
    joins: joined.length,
    joinsJudged: judged.size,
    deadLettered: (await system.deadLettered()) - deadBefore,
    drainedS: Math.round((Date.now() - cleared) / 100) / 10,
    crashes: system.crashes - crashesBefore,
    recoveryS: firstAfter ? Math.round((firstAfter.at - cleared) / 100) / 10 : null,
    auditOk,
  };
}
