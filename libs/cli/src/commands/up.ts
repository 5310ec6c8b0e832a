import { randomBytes } from 'node:crypto';
import { connectBus } from '@chat-guard/bus';
import { baseEnv, parseEnv, startPeriodic } from '@chat-guard/runtime';
import { isScenario, type Sandbox, SCENARIOS, startSandbox } from '@chat-guard/sandbox';
import { connectPostgres, ensureDatabase, migrateToLatest } from '@chat-guard/store';
import { type Command, DEFAULT_TRAFFIC_RATE, intOption, stringOption, UsageError } from '../command.ts';
import { listenError, reach } from '../connections.ts';
import { Readiness } from '../demo/readiness.ts';
import { configureChannels, playDemo } from '../demo/runDemo.ts';
import { formatSummary, startRunSummary } from '../liveSummary.ts';
import { DASHBOARD_WEB_PORT, services } from '../services.ts';
import { EXIT_CONFIG, supervise } from '../supervise.ts';

async function migrate(url: string): Promise<string> {
  await reach('PostgreSQL', url, 'DATABASE_URL', () => ensureDatabase(url));
  const postgres = connectPostgres(url, {
    applicationName: 'chat-guard up',
    onError: (err) => console.error(`postgres: ${err.message}`),
  });
  try {
    const report = await migrateToLatest(postgres.db);
    return `migrations: ${report.applied.length} applied, ${report.alreadyApplied.length} already there`;
  } finally {
    await postgres.close();
  }
}

/** Aborts on Ctrl-C or SIGTERM. */
function stopSignal(): AbortController {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort('SIGINT'));
  process.once('SIGTERM', () => stop.abort('SIGTERM'));
  return stop;
}

function stopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Where a person can look while it runs: the sandbox's inspection index and the dashboard. */
function whereToLook(sandbox: Sandbox | undefined, dashboardUrl: string | undefined): string[] {
  const lines: string[] = [];
  if (sandbox)
    lines.push(
      `[look] what the bot did and each guild's state: http://127.0.0.1:${sandbox.port}/_sandbox (lists its endpoints)`,
    );
  if (dashboardUrl) {
    lines.push(`[look] the dashboard: ${dashboardUrl}`);
    const owners = sandbox
      ? Object.values(sandbox.state.guilds).map((g) => sandbox.state.users[g.ownerId]?.username ?? g.ownerId)
      : [];
    if (owners.length > 0)
      lines.push(
        `[look]   sign in with "Sign in with Discord", then pick an owner on the sandbox's page: ${owners.join(', ')}`,
      );
  }
  return lines;
}

export const upCommand: Command = {
  name: 'up',
  summary: 'Run the whole system (on the Discord sandbox unless DISCORD_TOKEN is set) until stopped',
  options: {
    only: { type: 'string', description: 'Comma-separated services to run (default: all of them)' },
    scenario: {
      type: 'string',
      description: `Sandbox traffic: demo (scripted: a violation, a timeout and a raid within minutes), ${SCENARIOS.join(', ')}, or none`,
      default: 'demo',
    },
    rate: {
      type: 'string',
      description: 'Multiplier for background chat and joins (as in `sandbox`)',
      default: DEFAULT_TRAFFIC_RATE,
    },
    guilds: { type: 'string', description: 'Sandbox guilds', default: '2' },
    seed: { type: 'string', description: 'Sandbox seed', default: '1' },
    'sandbox-port': { type: 'string', description: 'Sandbox port (0 picks a free one)', default: '3210' },
    'summary-every': { type: 'string', description: 'Seconds between summary lines', default: '10' },
    verbose: {
      type: 'boolean',
      description: 'Print every log line, not only warnings and lifecycle',
      default: false,
    },
    raw: {
      type: 'boolean',
      description: 'Print log lines as the services write them (JSON)',
      default: false,
    },
  },
  details: [
    'Applies migrations, provisions streams, then runs the services under a supervisor that',
    'restarts one that crashes. Without DISCORD_TOKEN it starts the Discord sandbox and plays',
    'seeded traffic into it once every service is ready. The demo (the default scenario) sets each',
    "guild's log and alert channels by slash command, prints a timeline of what is coming (a member",
    'warned then timed out in guild 1 within the first minute, a raid locked down in guild 2 with',
    'its alert in #alerts), then plays it over background chat. With DISCORD_TOKEN',
    '(and DISCORD_API_URL, default https://discord.com/api) it runs against Discord itself.',
    'A summary line counts what this run saw: messages, joins, violations, newcomers the member',
    'gate held and passed, audits, lockdowns and their lifts (by the detector or an admin), and',
    'what the bot did on the sandbox.',
    `Services: ${services.map((s) => `${s.name} (:${s.httpPort})`).join(', ')}.`,
    'The verifier serves its verify page on :8090 (VERIFY_SECRET signs its links; random per run when unset).',
    'Each serves /healthz, /readyz and /metrics on its port. Ctrl-C drains everything.',
    `The dashboard serves its pages on http://127.0.0.1:${DASHBOARD_WEB_PORT} (DASHBOARD_PORT); on the`,
    'sandbox, sign in through its consent page as any admin it lists. Against Discord it needs',
    'DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET (docs/dashboard.md), or it is left out.',
  ].join('\n'),
  async run(args) {
    const env = parseEnv(baseEnv);
    const wanted =
      typeof args.values.only === 'string' ? args.values.only.split(',').map((s) => s.trim()) : [];
    const unknown = wanted.filter((name) => !services.some((s) => s.name === name));
    if (unknown.length > 0) throw new UsageError(`unknown service(s): ${unknown.join(', ')}`);
    let chosen = wanted.length > 0 ? services.filter((s) => wanted.includes(s.name)) : services;
    const scenario = stringOption(args, 'scenario');
    if (scenario !== 'none' && scenario !== 'demo' && !isScenario(scenario)) {
      throw new UsageError(
        `--scenario must be demo, one of ${SCENARIOS.join(', ')}, or none, not "${scenario}"`,
      );
    }
    const rate = Number(stringOption(args, 'rate'));
    if (!(rate > 0 && rate <= 100)) throw new UsageError('--rate must be a number above 0 and at most 100');
    const summaryMs = intOption(args, 'summary-every', 1, 3600) * 1000;
    const seed = intOption(args, 'seed', 0, 2 ** 32 - 1);

    console.log(await migrate(env.DATABASE_URL));
    const bus = await reach('NATS', env.NATS_URL, 'NATS_URL', () =>
      connectBus({
        servers: env.NATS_URL.split(','),
        name: 'chat-guard up',
        namespace: env.NATS_NAMESPACE,
        replicas: env.NATS_REPLICAS,
      }),
    );
    const steps = await bus.provision();
    console.log(`streams: ${steps.filter((s) => s.result !== 'unchanged').length} created or updated`);

    let sandbox: Sandbox | undefined;
    const discordEnv: NodeJS.ProcessEnv = {};
    const dashboardEnv: NodeJS.ProcessEnv = {};
    const dashboardUrl = process.env.DASHBOARD_PUBLIC_URL ?? `http://127.0.0.1:${DASHBOARD_WEB_PORT}`;
    if (process.env.DISCORD_TOKEN) {
      console.log(`running against Discord (${process.env.DISCORD_API_URL ?? 'https://discord.com/api'})`);
      if (!process.env.DISCORD_CLIENT_ID || !process.env.DISCORD_CLIENT_SECRET) {
        if (chosen.some((s) => s.name === 'dashboard'))
          console.log(
            'dashboard left out: set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET (docs/dashboard.md)',
          );
        chosen = chosen.filter((s) => s.name !== 'dashboard');
      }
    } else {
      const port = intOption(args, 'sandbox-port', 0, 65535);
      sandbox = await startSandbox({
        port,
        guilds: intOption(args, 'guilds', 1, 100),
        seed,
        oauthRedirectUris: [`${dashboardUrl}/auth/callback`],
      }).catch((err: unknown) => {
        throw listenError(err, port, '--sandbox-port');
      });
      dashboardEnv.DISCORD_CLIENT_ID = sandbox.oauth.clientId;
      dashboardEnv.DISCORD_CLIENT_SECRET = sandbox.oauth.clientSecret;
      dashboardEnv.DISCORD_AUTHORIZE_URL = sandbox.oauth.authorizeUrl;
      discordEnv.DISCORD_API_URL = sandbox.api;
      discordEnv.DISCORD_TOKEN = sandbox.token;
      console.log(`Discord sandbox on ${sandbox.api} with guilds ${sandbox.guilds.join(', ')}`);
    }

    const stop = stopSignal();
    let configError = false;
    const readiness = new Readiness(
      chosen.map((s) => s.name),
      sandbox?.guilds ?? [],
    );
    console.log(`starting ${chosen.map((s) => s.name).join(', ')} (Ctrl-C stops them)`);
    // The verifier signs its links with VERIFY_SECRET; a local run without one gets a random one.
    const verifyEnv = { VERIFY_SECRET: process.env.VERIFY_SECRET ?? randomBytes(32).toString('hex') };
    const supervisor = supervise(
      chosen.map((s) => ({
        name: s.name,
        env:
          s.name === 'dashboard'
            ? { ...discordEnv, ...dashboardEnv, DASHBOARD_PUBLIC_URL: dashboardUrl }
            : s.name === 'verifier'
              ? { ...discordEnv, ...verifyEnv }
              : discordEnv,
      })),
      {
        raw: args.values.raw === true,
        verbose: args.values.verbose === true,
        write: (line) => console.log(line),
        onLog: (service, entry) => readiness.observe(service, entry),
        onConfigError: () => {
          configError = true;
          stop.abort('configuration error');
        },
      },
    );
    const summary = await startRunSummary(bus, sandbox);
    const printSummary = startPeriodic(
      summaryMs,
      async () => console.log(formatSummary(await summary.read())),
      (err) => console.error(`[summary] ${err instanceof Error ? err.message : String(err)}`),
    );
    const withDashboard = chosen.some((s) => s.name === 'dashboard');
    for (const line of whereToLook(sandbox, withDashboard ? dashboardUrl : undefined)) console.log(line);

    const playing = (async () => {
      if (!sandbox || scenario === 'none') return;
      const started = Date.now();
      const waiting = setInterval(
        () => console.log(`[traffic] waiting to start: ${readiness.missing()}`),
        30_000,
      );
      const ready = await readiness.wait(stop.signal).finally(() => clearInterval(waiting));
      if (!ready) return;
      console.log(`[traffic] every service is ready after ${Math.round((Date.now() - started) / 1000)} s`);
      if (scenario === 'demo') {
        await configureChannels(sandbox, (line) => console.log(line));
        await playDemo({ sandbox, rate, seed, signal: stop.signal, write: (line) => console.log(line) });
        return;
      }
      while (isScenario(scenario) && !stop.signal.aborted) {
        const plan = sandbox.traffic.generate({ scenario, durationMs: 30 * 60_000, rate });
        console.log(`[traffic] playing ${plan.events.length} events of "${scenario}" over 30 minutes`);
        await sandbox.traffic.play(plan.events, { speed: 1, signal: stop.signal });
      }
    })().catch((err: unknown) =>
      console.error(`[traffic] stopped: ${err instanceof Error ? err.message : String(err)}`),
    );

    await stopped(stop.signal);
    console.log(
      configError
        ? 'stopping: a service cannot start with its configuration'
        : 'stopping: each service drains its in-flight work',
    );
    await printSummary.stop();
    await supervisor.stop();
    await playing;
    console.log(formatSummary(await summary.read()));
    summary.stop();
    await bus.drain();
    await sandbox?.close();
    console.log('all services stopped');
    return configError ? EXIT_CONFIG : 0;
  },
};
