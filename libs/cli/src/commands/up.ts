import { randomBytes } from 'node:crypto';
import { connectBus } from '@chat-guard/bus';
import { baseEnv, parseEnv, startPeriodic } from '@chat-guard/runtime';
import { isScenario, type Sandbox, SCENARIOS, startSandbox } from '@chat-guard/sandbox';
import { connectPostgres, ensureDatabase, migrateToLatest } from '@chat-guard/store';
import { type Command, intOption, stringOption, UsageError } from '../command.ts';
import { formatSummary, readSummary } from '../liveSummary.ts';
import { DASHBOARD_WEB_PORT, services } from '../services.ts';
import { supervise } from '../supervise.ts';

async function migrate(url: string): Promise<string> {
  await ensureDatabase(url);
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

function waitForStop(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export const upCommand: Command = {
  name: 'up',
  summary: 'Run the whole system (on the Discord sandbox unless DISCORD_TOKEN is set) until stopped',
  options: {
    only: { type: 'string', description: 'Comma-separated services to run (default: all of them)' },
    scenario: {
      type: 'string',
      description: `Sandbox traffic: ${SCENARIOS.join(', ')}, or none`,
      default: 'mixed',
    },
    rate: { type: 'string', description: 'Sandbox traffic rate multiplier', default: '3' },
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
    'seeded traffic into it (chat with raids and spam, for --scenario mixed); with DISCORD_TOKEN',
    '(and DISCORD_API_URL, default https://discord.com/api) it runs against Discord itself.',
    'A summary line shows what flowed through: messages, joins, violations, newcomers the member',
    'gate held and passed, actions, audits.',
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
    if (scenario !== 'none' && !isScenario(scenario)) {
      throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')} or none, not "${scenario}"`);
    }
    const rate = Number(stringOption(args, 'rate'));
    if (!(rate > 0 && rate <= 100)) throw new UsageError('--rate must be a number above 0 and at most 100');
    const summaryMs = intOption(args, 'summary-every', 1, 3600) * 1000;

    console.log(await migrate(env.DATABASE_URL));
    const bus = await connectBus({
      servers: env.NATS_URL.split(','),
      name: 'chat-guard up',
      namespace: env.NATS_NAMESPACE,
      replicas: env.NATS_REPLICAS,
    });
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
      sandbox = await startSandbox({
        port: intOption(args, 'sandbox-port', 0, 65535),
        guilds: intOption(args, 'guilds', 1, 100),
        seed: intOption(args, 'seed', 0, 2 ** 32 - 1),
        oauthRedirectUris: [`${dashboardUrl}/auth/callback`],
      });
      dashboardEnv.DISCORD_CLIENT_ID = sandbox.oauth.clientId;
      dashboardEnv.DISCORD_CLIENT_SECRET = sandbox.oauth.clientSecret;
      dashboardEnv.DISCORD_AUTHORIZE_URL = sandbox.oauth.authorizeUrl;
      discordEnv.DISCORD_API_URL = sandbox.api;
      discordEnv.DISCORD_TOKEN = sandbox.token;
      console.log(`Discord sandbox on ${sandbox.api} with guilds ${sandbox.guilds.join(', ')}`);
      console.log(`  inspect what the bot did: http://127.0.0.1:${sandbox.port}/_sandbox`);
    }

    if (chosen.some((s) => s.name === 'dashboard')) {
      const who = sandbox
        ? Object.values(sandbox.state.guilds).map(
            (g) => sandbox?.state.users[g.ownerId]?.username ?? g.ownerId,
          )
        : [];
      console.log(`dashboard on ${dashboardUrl}`);
      if (who.length > 0)
        console.log(
          `  sign in with "Sign in with Discord", then pick an owner on the sandbox's page: ${who.join(', ')}`,
        );
    }
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
      },
    );
    const traffic = new AbortController();
    let playing: Promise<unknown> = Promise.resolve();
    if (sandbox && scenario !== 'none' && isScenario(scenario)) {
      const box = sandbox;
      // Give the gateway time to connect before the first messages.
      playing = new Promise((r) => setTimeout(r, 8_000)).then(async () => {
        while (!traffic.signal.aborted) {
          const plan = box.traffic.generate({ scenario, durationMs: 30 * 60_000, rate });
          console.log(`[traffic] playing ${plan.events.length} events of "${scenario}" over 30 minutes`);
          await box.traffic.play(plan.events, { speed: 1, signal: traffic.signal });
        }
      });
    }
    const summary = startPeriodic(
      summaryMs,
      async () => console.log(formatSummary(await readSummary(bus, sandbox))),
      (err) => console.error(`[summary] ${err instanceof Error ? err.message : String(err)}`),
    );

    await waitForStop();
    console.log('stopping: each service drains its in-flight work');
    traffic.abort();
    await summary.stop();
    await supervisor.stop();
    await playing.catch((err: unknown) => console.error(`[traffic] ${String(err)}`));
    await bus.drain();
    await sandbox?.close();
    console.log('all services stopped');
    return 0;
  },
};
