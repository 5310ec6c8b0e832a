import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { measureHelpTime } from '../bench/helpTime.ts';
import { measureLatency, measurePipelineRate, setUpPipeline } from '../bench/pipelineBench.ts';
import { measureRawRate } from '../bench/rawRate.ts';
import { round } from '../bench/stats.ts';
import { type Command, intOption } from '../command.ts';
import { urlOption } from '../connections.ts';

const env = parseEnv(baseEnv.pick({ NATS_URL: true, DATABASE_URL: true }));

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Benchmark the moderation pipeline on the sandbox against raw JetStream',
  options: {
    messages: {
      type: 'string',
      description: 'Messages for the raw and the sustained rate',
      default: '20000',
    },
    rate: { type: 'string', description: 'Messages per second for the latency run', default: '2000' },
    seconds: { type: 'string', description: 'Length of the latency run', default: '10' },
    'nats-url': { type: 'string', description: 'NATS server', default: env.NATS_URL },
    'database-url': {
      type: 'string',
      description: "A PostgreSQL database to create the benchmark's own database from",
      default: env.DATABASE_URL,
    },
  },
  details: [
    "Prints, in one run: the raw JetStream publish+consume rate of this machine; the pipeline's",
    'sustained rate (sandbox gateway → gateway service → content-filter verdict, all guards on,',
    'one message in a hundred breaking a rule); its ratio to the raw rate; and p50/p99 latency',
    "from the gateway's receipt of a violating message to the enforcer's delete call, at --rate.",
    'It also times `chat-guard --help` (the median of five fresh processes; the aim is under 500 ms).',
    'Progress goes to stderr; the last line on stdout is one JSON object:',
    '  {"rawRate","pipelineRate","ratio","p50Ms","p99Ms","helpMs"}',
    'It uses its own NATS namespace, database and sandbox, and removes them afterwards.',
  ].join('\n'),
  async run(args) {
    const count = intOption(args, 'messages', 100, 1_000_000);
    const perSecond = intOption(args, 'rate', 10, 20_000);
    const seconds = intOption(args, 'seconds', 1, 600);
    const natsUrl = urlOption(args, 'nats-url', 'NATS');
    const databaseUrl = urlOption(args, 'database-url', 'PostgreSQL');
    const progress = (line: string) => console.error(`[bench] ${line}`);
    const sample = JSON.stringify({
      guildId: '1100000000000000001',
      content: 'x'.repeat(40),
      mentionUserIds: [],
      memberRoleIds: [],
      memberPermissions: '0',
      authorIsBot: false,
      channelId: '1100000000000000100',
      messageId: '1300000000000000001',
      authorId: '1300000000000000042',
      mentionRoleIds: [],
      mentionsEveryone: false,
      createdAt: Date.now(),
    });

    progress('timing chat-guard --help');
    const helpMs = await measureHelpTime();
    progress(`raw JetStream: publishing and consuming ${count} messages`);
    const rawRate = await measureRawRate(natsUrl, count, sample);
    progress(`raw JetStream: ${round(rawRate, 0)} messages/s`);

    progress('starting sandbox, gateway, content-filter, enforcer and log-writer');
    const setup = await setUpPipeline(natsUrl, databaseUrl, progress);
    try {
      progress(`sustained rate: ${count} messages as fast as the sandbox takes them`);
      const pipelineRate = await measurePipelineRate(setup, count, 0);
      progress(
        `sustained rate: ${round(pipelineRate, 0)} messages/s judged (${round(pipelineRate / rawRate, 2)} of raw)`,
      );
      progress(`latency: ${perSecond} messages/s for ${seconds} s`);
      const latency = await measureLatency(setup, perSecond, seconds);
      progress(
        `latency: ${latency.violations} violations at ${round(latency.achieved, 0)} messages/s: p50 ${round(latency.p50)} ms, p99 ${round(latency.p99)} ms` +
          (latency.refused > 0 ? ` (${latency.refused} posts refused by the sandbox)` : ''),
      );
      console.log(`raw JetStream publish+consume: ${round(rawRate, 0)} messages/s`);
      console.log(
        `pipeline, gateway to verdict:  ${round(pipelineRate, 0)} messages/s (ratio ${round(pipelineRate / rawRate, 2)})`,
      );
      console.log(
        `receipt to delete call at ${perSecond}/s: p50 ${round(latency.p50)} ms, p99 ${round(latency.p99)} ms`,
      );
      console.log(`chat-guard --help:             ${round(helpMs, 0)} ms (median of 5)`);
      console.log(
        JSON.stringify({
          rawRate: round(rawRate, 0),
          pipelineRate: round(pipelineRate, 0),
          ratio: round(pipelineRate / rawRate, 3),
          p50Ms: round(latency.p50),
          p99Ms: round(latency.p99),
          helpMs: round(helpMs, 0),
        }),
      );
      return 0;
    } finally {
      await setup.stop();
    }
  },
};
