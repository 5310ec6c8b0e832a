import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connectBus, type EventBus, listDeadLetters } from '@chat-guard/bus';
import { consumersOf, DEAD_LETTER_STREAM, type EventPayload, raidScored } from '@chat-guard/events';
import { announceGuildConfig, updateGuildConfig } from '@chat-guard/guild-config';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { connectPostgres, ensureDatabase, migrateToLatest } from '@chat-guard/store';
import { services as allServices, repoRoot, serviceArgs, serviceEnv } from '../services.ts';
import type { PrivateDeps } from './privateDeps.ts';

/** A `raid.scored` event, as the fault run reads it. */
export type RaidScore = EventPayload<'raid.scored'>;

export interface RaidWatch {
  seen(joins: number, since: number, timeoutMs: number): Promise<RaidScore | null>;
}

/** The six core services (the dashboard serves people, not the pipeline the faults measure). */
export const services = allServices.filter((s) => s.name !== 'dashboard');

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
      env: serviceEnv({
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
      }),
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

  /**
   * Watches the detector's scores of the guild from now on. `seen` resolves with the first score
   * since `since` that counts at least `joins` joins in its last minute (the detector's feed is
   * alive and its windows hold them), or null after `timeoutMs`.
   */
  async watchRaidScores(): Promise<RaidWatch> {
    const bus = await this.#admin();
    const scores: RaidScore[] = [];
    const subscription = bus.nc.subscribe(bus.ns.subject(`signal.${this.guildId}.raid.scored`), {
      callback: (err, msg) => {
        if (err) {
          this.log(`watching raid scores: ${err.message}`);
          return;
        }
        // Checked as every consumer checks it: a score that does not fit is said, not counted.
        let body: unknown;
        try {
          body = msg.json();
        } catch {
          this.log('a raid score that is not JSON');
          return;
        }
        const parsed = raidScored.schema.safeParse(body);
        if (parsed.success) scores.push(parsed.data);
        else this.log(`a raid score that does not fit its schema: ${parsed.error.message}`);
      },
    });
    return {
      async seen(joins, since, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        try {
          for (;;) {
            const hit = scores.find((s) => s.scoredAt >= since && s.joinsLastMinute >= joins);
            if (hit) return hit;
            if (Date.now() >= deadline) return null;
            await sleep(250);
          }
        } finally {
          subscription.unsubscribe();
        }
      },
    };
  }

  /** The dead letters after the first `skip`: what a fault's run gave up on, and why. */
  async deadLettersAfter(skip: number): Promise<string[]> {
    const entries = await listDeadLetters(await this.#admin(), 100_000);
    return entries
      .slice(skip)
      .map((e) => `${e.subject} (${e.consumer}, ${e.deliveries} deliveries): ${e.reason}`);
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
