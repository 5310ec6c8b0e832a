import { spawn } from 'node:child_process';
import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { duplicateActions } from '../bench/figures.ts';
import { Pipeline } from '../bench/pipeline.ts';
import {
  type BenchPlan,
  Judged,
  measureLatency,
  measurePipelineCpu,
  measureWave,
  searchSustainedRate,
} from '../bench/pipelineBench.ts';
import { measureRawHop } from '../bench/rawHop.ts';
import { printTable } from '../bench/report.ts';
import { round } from '../bench/stats.ts';
import { samplePayloads } from '../bench/storedTimes.ts';
import type { Command } from '../command.ts';
import { urlOption } from '../connections.ts';
import { repoRoot } from '../services.ts';

const env = parseEnv(baseEnv.pick({ NATS_URL: true, DATABASE_URL: true, REDIS_URL: true }));

/** The run: 2,000+ timed violations, a 3,000-message wave from 150 accounts in 60 s. */
const FULL: BenchPlan = {
  cpuRate: 1_000,
  cpuSeconds: 10,
  rateStep: 500,
  maxRate: 20_000,
  phaseSeconds: 10,
  graceSeconds: 5,
  latencySamples: 2_000,
  wave: { messages: 3_000, seconds: 60 },
};

/** A run of about a minute that still produces every figure from real work. */
const QUICK: BenchPlan = {
  cpuRate: 300,
  cpuSeconds: 2,
  // Small steps: the test suite runs it beside other tests, where 400/s may be too much.
  rateStep: 200,
  maxRate: 600,
  phaseSeconds: 2,
  graceSeconds: 3,
  latencySamples: 10,
  wave: { messages: 30, seconds: 1 },
};

function buildCompiled(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/docker/build.ts', '--bundle-only'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited ${code}`))));
  });
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Benchmark the moderation pipeline on the sandbox against raw JetStream',
  options: {
    quick: { type: 'boolean', description: 'A short run (about a minute) with small phases', default: false },
    'no-build': {
      type: 'boolean',
      description: 'Run the services from the dist/ there is, without `npm run build` first',
      default: false,
    },
    'nats-url': { type: 'string', description: 'NATS server', default: env.NATS_URL },
    'redis-url': { type: 'string', description: 'Redis server', default: env.REDIS_URL },
    'database-url': {
      type: 'string',
      description: "A PostgreSQL database to create the benchmark's own database from",
      default: env.DATABASE_URL,
    },
  },
  details: [
    'Runs the six core services compiled (as the image does) against a sandbox in its own process',
    'and measures, in one run (docs/benchmark.md explains each figure):',
    '  CPU per message of the whole pipeline and of one raw JetStream hop, at the same offered',
    '  load, from /proc (sandbox apart); the highest rate it keeps up with; latency from the',
    "  gateway's receipt to the enforcer's delete call at 60% of that rate, by stage; a spam",
    '  wave (3,000 messages from 150 accounts in 60 s); REST calls per violation and repeated',
    "  actions; the services' resident memory.",
    'A table goes to stdout, progress to stderr; the last line is one JSON object:',
    '  {"rawHopUs","pipelineUs","costRatio","sustainedRate","p50Ms","p99Ms","atRate",',
    '   "waveClearS","restPerViolation","duplicateActions","rssMaxMb","rssDetectorMb"}',
    'It uses its own NATS namespace, database and sandbox, and removes them afterwards.',
  ].join('\n'),
  async run(args) {
    const plan = args.values.quick === true ? QUICK : FULL;
    const natsUrl = urlOption(args, 'nats-url', 'NATS');
    const redisUrl = urlOption(args, 'redis-url', 'Redis');
    const databaseUrl = urlOption(args, 'database-url', 'PostgreSQL');
    const progress = (line: string) => console.error(`[bench] ${line}`);
    if (args.values['no-build'] !== true) {
      progress('npm run build: the services as the image runs them');
      await buildCompiled();
    }
    // The services start from dist/ (serviceArgs reads this from the environment).
    process.env.CHAT_GUARD_RUNTIME = 'compiled';
    const quick = args.values.quick === true;
    // Ctrl-C or a kill: exiting stops the services (supervise's exit hook) and the sandbox
    // process (its IPC channel closes); the bench database is left for `drop database`.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
    progress('starting the sandbox process and the six services');
    const runStart = Date.now();
    const pipeline = await Pipeline.start({
      natsUrl,
      redisUrl,
      adminDatabaseUrl: databaseUrl,
      host: {
        chatGuilds: quick ? 4 : 12,
        membersPerGuild: quick ? 100 : 1_000,
        waveAccounts: quick ? 6 : 150,
      },
      log: progress,
    });
    try {
      const judged = new Judged(pipeline);
      progress('warming up');
      const warm = await pipeline.host.chat({ perSecond: plan.cpuRate, seconds: 2, violatingPerHundred: 1 });
      judged.add(warm.posted);
      await judged.drain(120_000, 'after the warm-up');

      progress(`CPU per message: the pipeline at ${plan.cpuRate}/s for ${plan.cpuSeconds} s`);
      const cpuSince = Date.now();
      const cpu = await measurePipelineCpu(pipeline, judged, plan);
      const payloads = await samplePayloads(
        pipeline.bus,
        'DISCORD',
        'discord.*.message.created',
        cpuSince,
        200,
      );
      progress(
        `CPU per message: one raw JetStream hop at ${plan.cpuRate}/s, ${payloads.length} of the pipeline's payloads`,
      );
      const raw = await measureRawHop(natsUrl, payloads, plan.cpuRate, plan.cpuSeconds);

      progress(`sustained rate: ${plan.rateStep}/s steps of ${plan.phaseSeconds} s`);
      const rate = await searchSustainedRate(pipeline, judged, plan, progress);
      const atRate = Math.max(10, Math.round(rate.sustained * 0.6));
      progress(`latency at ${atRate}/s, at least ${plan.latencySamples} violations`);
      const latency = await measureLatency(pipeline, judged, plan, atRate, progress);
      progress(`spam wave: ${plan.wave.messages} messages in ${plan.wave.seconds} s`);
      const wave = await measureWave(pipeline, judged, plan, progress);
      const duplicates = duplicateActions(
        await pipeline.host.actions(runStart),
        await pipeline.host.restCalls(runStart),
      );
      const rssOthers = [...rate.rss].filter(([name]) => name !== 'anomaly-detector').map(([, mb]) => mb);
      const figures = {
        rawHopUs: round(raw.usPerMessage, 0),
        pipelineUs: round(cpu.usPerMessage, 0),
        costRatio: round(cpu.usPerMessage / raw.usPerMessage, 2),
        sustainedRate: rate.sustained,
        p50Ms: round(latency.total.p50),
        p99Ms: round(latency.total.p99),
        atRate,
        waveClearS: round(wave.clearS),
        restPerViolation: round(wave.restPerViolation, 2),
        duplicateActions: duplicates,
        rssMaxMb: round(Math.max(...rssOthers), 0),
        rssDetectorMb: round(rate.rss.get('anomaly-detector') ?? Number.NaN, 0),
      };
      printTable({ plan, cpu, raw, rate, latency, wave, rss: rate.rss, figures });
      console.log(JSON.stringify(figures));
      return 0;
    } catch (err) {
      // Said here, before the clean-up: an error while stopping must not hide it.
      progress(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      throw err;
    } finally {
      await pipeline.stop();
    }
  },
};
