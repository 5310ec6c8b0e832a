import { readFile, writeFile } from 'node:fs/promises';
import {
  formatJoinTrace,
  formatLabels,
  isScenario,
  type JoinTraceEvent,
  labelsPathFor,
  parseJoinTrace,
  SCENARIOS,
  startSandbox,
} from '@chat-guard/sandbox';
import {
  type Command,
  DEFAULT_TRAFFIC_RATE,
  intOption,
  type ParsedArgs,
  stringOption,
  UsageError,
} from '../command.ts';
import { listenError } from '../connections.ts';

function optional(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value`);
  return value;
}

function positiveNumber(args: ParsedArgs, name: string, max: number): number {
  const raw = stringOption(args, name);
  const value = raw === 'max' && name === 'speed' ? Infinity : Number(raw);
  if (!(value > 0) || (Number.isFinite(value) && value > max)) {
    throw new UsageError(
      `--${name} must be a number above 0 and at most ${max}${name === 'speed' ? ', or "max"' : ''}, not "${raw}"`,
    );
  }
  return value;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the Discord sandbox (REST API and gateway for discord.js) with seeded guilds and traffic',
  options: {
    port: { type: 'string', description: 'TCP port (0 picks a free one)', default: '0' },
    host: { type: 'string', description: 'Address to listen on', default: '127.0.0.1' },
    guilds: { type: 'string', description: 'Guilds to seed', default: '2' },
    seed: { type: 'string', description: 'Seed for guilds, token and traffic', default: '1' },
    scenario: { type: 'string', description: `Traffic to generate and play: ${SCENARIOS.join(', ')}` },
    rate: {
      type: 'string',
      description: 'Multiplier for background chat and joins (as in `up`)',
      default: DEFAULT_TRAFFIC_RATE,
    },
    duration: { type: 'string', description: 'Seconds of traffic to generate', default: '600' },
    speed: {
      type: 'string',
      description: 'Playback speed: 1 is real time, 10 ten times faster, "max" as fast as possible',
      default: '1',
    },
    'trace-out': {
      type: 'string',
      description: 'Write the generated join trace here, labels beside it (<name>.labels.jsonl)',
    },
    replay: { type: 'string', description: 'Play this join trace into the sandbox (its guilds are created)' },
    shards: { type: 'string', description: 'Shard count GET /gateway/bot recommends', default: '1' },
    token: { type: 'string', description: 'Bot token clients must present (default: derived from the seed)' },
  },
  details: [
    'When ready, prints one JSON line on stdout and nothing else:',
    '  {"api":"http://127.0.0.1:<port>/api","token":"...","guilds":["<id>",...]}',
    'Point discord.js at it with `new Client({ intents, rest: { api } })` and `client.login(token)`.',
    'Logs go to stderr. Runs until SIGINT or SIGTERM, then closes cleanly.',
    'The inspection API is at http://<host>:<port>/_sandbox (see libs/sandbox/README.md).',
  ].join('\n'),
  async run(args) {
    const port = intOption(args, 'port', 0, 65535);
    const guildCount = intOption(args, 'guilds', 0, 1000);
    const seed = intOption(args, 'seed', 0, 2 ** 32 - 1);
    const shards = intOption(args, 'shards', 1, 1024);
    const scenario = optional(args, 'scenario');
    if (scenario !== undefined && !isScenario(scenario)) {
      throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, not "${scenario}"`);
    }
    const rate = positiveNumber(args, 'rate', 100);
    const durationMs = intOption(args, 'duration', 1, 7 * 86400) * 1000;
    const speed = positiveNumber(args, 'speed', 10_000);
    const traceOut = optional(args, 'trace-out');
    const replayPath = optional(args, 'replay');
    const token = optional(args, 'token');
    if (traceOut !== undefined && scenario === undefined)
      throw new UsageError('--trace-out needs --scenario (it writes the generated traffic)');
    let replay: JoinTraceEvent[] = [];
    if (replayPath !== undefined) replay = parseJoinTrace(await readFile(replayPath, 'utf8'));

    const log = (message: string): void => console.error(`sandbox: ${message}`);
    const sandbox = await startSandbox({
      port,
      host: stringOption(args, 'host'),
      guilds: guildCount,
      seed,
      recommendedShards: shards,
      ...(token ? { token } : {}),
      log,
    }).catch((err: unknown) => {
      throw listenError(err, port, '--port');
    });
    const stop = new AbortController();
    const playing: Promise<void>[] = [];
    try {
      for (const guildId of new Set(replay.map((e) => e.guildId))) sandbox.actions.createGuild(guildId);
      const plan =
        scenario && isScenario(scenario) ? sandbox.traffic.generate({ scenario, durationMs, rate }) : null;
      if (plan && traceOut) {
        await writeFile(traceOut, formatJoinTrace(plan.events));
        await writeFile(labelsPathFor(traceOut), formatLabels(plan.labels));
        log(
          `wrote ${plan.events.length} events to ${traceOut} and ${plan.labels.length} labels to ${labelsPathFor(traceOut)}`,
        );
      }
      console.log(JSON.stringify({ api: sandbox.api, token: sandbox.token, guilds: sandbox.guilds }));
      log(
        `listening on ${sandbox.api} (gateway ${sandbox.gatewayUrl}, inspection http://${stringOption(args, 'host')}:${sandbox.port}/_sandbox)`,
      );
      const play = (name: string, events: readonly JoinTraceEvent[]): void => {
        playing.push(
          sandbox.traffic.play(events, { speed, signal: stop.signal }).then(
            (stats) => log(`${name}: ${stats.applied} events applied, ${stats.rejected} refused`),
            (err: unknown) => log(`${name} failed: ${err instanceof Error ? err.message : String(err)}`),
          ),
        );
      };
      if (plan) play(`scenario ${scenario}`, plan.events);
      if (replay.length) play(`replay ${replayPath}`, replay);
      log(`stopping on ${await waitForSignal()}`);
    } finally {
      stop.abort();
      await Promise.all(playing);
      await sandbox.close();
    }
    return 0;
  },
};
