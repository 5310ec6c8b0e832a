// Prints deploy/CAPACITY.md from the figures (deploy/capacity/figures.json by default):
//   npm run capacity                                   # rewrites deploy/CAPACITY.md
//   node --import tsx deploy/capacity/capacity.ts [figures.json] [--json]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Capacity, capacityModel, type Figure, type Figures } from './model.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const one = (n: number) => (n >= 10 ? int(n) : n.toFixed(n >= 1 ? 1 : 2));
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

function sources(figures: Figures): string[] {
  const lines = ['| figure | value | where it comes from |', '|---|---|---|'];
  for (const [group, entries] of Object.entries(figures)) {
    if (typeof entries !== 'object') continue; // the file's $comment
    for (const [name, figure] of Object.entries(entries as Record<string, Figure>))
      lines.push(`| \`${group}.${name}\` | ${figure.value.toLocaleString('en-US')} | ${figure.source} |`);
  }
  return lines;
}

/** The capacity document, in Markdown. */
export function capacityMarkdown(figures: Figures, model: Capacity = capacityModel(figures)): string {
  const members = figures.scale.members.value;
  const guilds = figures.scale.guilds.value;
  const rest = model.restPerSecond;
  const limit = figures.discord.globalRequestsPerSecond.value;
  return [
    '# Capacity: ten million members',
    '',
    `Chat Guard sized for ${int(members)} members in ${int(guilds)} guilds, with a weekend of`,
    `${int(figures.scale.weekendJoins.value)} joins in ${figures.scale.weekendHours.value} hours, from the`,
    "benchmark's CPU cost per message and Discord's limits. Generated from",
    '`deploy/capacity/figures.json` (the figures and where each comes from, at the end) by:',
    '',
    '```sh',
    'npm run capacity   # node --import tsx deploy/capacity/capacity.ts > deploy/CAPACITY.md',
    '```',
    '',
    'Change a figure (a new benchmark run, your own community) and run it again; the production',
    "overlay's replicas and resources follow this page (test/deploy checks the gateway's).",
    '',
    '## Events per second',
    '',
    '| event | mean | daily peak | join-weekend peak |',
    '|---|---|---|---|',
    ...model.rates.map((r) => `| \`${r.event}\` | ${one(r.mean)} | ${one(r.peak)} | ${one(r.weekendPeak)} |`),
    '',
    '## Gateway shards and pods',
    '',
    `- **${model.shards} shards** (\`SHARD_COUNT\`): Discord recommends one per`,
    `  ${int(figures.discord.guildsPerShardRecommended.value)} guilds and allows at most ${int(figures.discord.guildsPerShardMax.value)}.`,
    `- **${model.gatewayPods} gateway pods** (\`GATEWAY_REPLICAS\`, the StatefulSet's replicas), ${model.shards / model.gatewayPods} shards each.`,
    `- A pod identifies its shards one per ${figures.discord.identifyIntervalSeconds.value} s: about ${int(model.identifySeconds)} s to`,
    '  connect all of them; pods start one after another (OrderedReady).',
    '',
    '## Replicas of each service, at the join weekend’s peak',
    '',
    `One replica is sized at ${figures.cpu.replicaCpuRequest.value} CPU requested, used to`,
    `${figures.cpu.targetUtilisation.value * 100}% at its KEDA lag target; never fewer than two replicas.`,
    '',
    '| service | CPU cores used | replicas | driven by |',
    '|---|---|---|---|',
    ...model.services.map((s) => `| ${s.service} | ${s.cores.toFixed(2)} | ${s.replicas} | ${s.basis} |`),
    '',
    '## Discord, NATS, PostgreSQL and Redis',
    '',
    `- **Discord REST**: ${one(rest)} requests/s at the peak (deletes, warnings, timeouts, invite`,
    `  lists), ${Math.round((rest / limit) * 100)}% of the global limit of ${limit}/s; the enforcer waits out 429s,`,
    `  and \`ChatGuardDiscordRateLimited\` fires long before ${int(figures.discord.invalidRequestsPer10Minutes.value)} invalid requests in 10 minutes.`,
    `- **NATS**: ${int(model.nats.publishPerSecond)} publishes/s at the peak, each delivered and acknowledged once`,
    `  per consumer and stored on ${figures.retention.streamReplicas.value} servers; the streams hold about`,
    `  ${gb(model.nats.streamBytesPerServer)} on each server (a day of Discord events, a week of audit events).`,
    `- **PostgreSQL**: ${int(model.postgres.writesPerSecond)} writes/s at the peak; the audit log and the join history grow by`,
    `  **${gb(model.postgres.growthBytesPerMonth)} a month** (retention, \`logRetentionDays\`, bounds the audit log).`,
    `- **Redis**: ${int(model.redis.opsPerSecond)} operations/s at the peak (a spam-window script per message,`,
    '  invite snapshots per join, the detector’s lease); memory stays small: every key expires.',
    '',
    '## The figures',
    '',
    ...sources(figures),
    '',
  ].join('\n');
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith('--')) ?? resolve(import.meta.dirname, 'figures.json');
  const figures = JSON.parse(readFileSync(path, 'utf8')) as Figures;
  const model = capacityModel(figures);
  process.stdout.write(
    args.includes('--json') ? `${JSON.stringify(model, null, 2)}\n` : capacityMarkdown(figures, model),
  );
}
