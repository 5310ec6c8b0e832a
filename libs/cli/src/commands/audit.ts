import { auditedGuilds, pruneAuditLog, verifyGuildChain } from '@chat-guard/log-writer';
import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { connectPostgres, type Postgres } from '@chat-guard/store';
import { type Command, intOption, UsageError } from '../command.ts';
import { reach, urlOption } from '../connections.ts';

const SNOWFLAKE = /^\d{1,20}$/;

function guildOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SNOWFLAKE.test(value)) throw new UsageError('--guild must be a guild id');
  return value;
}

async function withPostgres<T>(url: string, work: (postgres: Postgres) => Promise<T>): Promise<T> {
  const postgres = connectPostgres(url, {
    applicationName: 'chat-guard audit',
    onError: (err) => console.error(`postgres: ${err.message}`),
  });
  try {
    await reach('PostgreSQL', url, '--database-url', () => postgres.ping());
    return await work(postgres);
  } finally {
    await postgres.close();
  }
}

async function verify(url: string, only: string | undefined): Promise<number> {
  return withPostgres(url, async ({ db }) => {
    const guilds = only ? [only] : await auditedGuilds(db);
    let broken = 0;
    for (const guildId of guilds) {
      const report = await verifyGuildChain(db, guildId);
      const from = report.anchorSeq > 0 ? ` (from the retention anchor at entry ${report.anchorSeq})` : '';
      if (report.problem) {
        broken++;
        console.log(
          `guild ${guildId}: BROKEN: entry ${report.problem.seq} was ${report.problem.kind}: ${report.problem.detail}`,
        );
      } else {
        console.log(`guild ${guildId}: ok, ${report.checked} entries verified${from}`);
      }
    }
    if (guilds.length === 0) console.log('no audit entries yet');
    console.log(
      broken === 0 ? `${guilds.length} chain(s) verified` : `${broken} of ${guilds.length} chain(s) broken`,
    );
    return broken === 0 ? 0 : 1;
  });
}

async function prune(url: string, only: string | undefined, days: number): Promise<number> {
  return withPostgres(url, async ({ db }) => {
    const guilds = only ? [only] : await auditedGuilds(db);
    const now = new Date();
    const before = new Date(now.getTime() - days * 86_400_000);
    for (const guildId of guilds) {
      const { pruned } = await pruneAuditLog(db, guildId, before, now);
      console.log(`guild ${guildId}: ${pruned} entries before ${before.toISOString()} pruned`);
    }
    return 0;
  });
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the hash-chained audit log (`audit verify`) or prune old entries (`audit prune`)',
  positionals: '<verify|prune>',
  options: {
    guild: { type: 'string', description: 'Only this guild (default: every guild with an audit log)' },
    'older-than-days': {
      type: 'string',
      description: 'With prune: remove entries older than this',
      default: '365',
    },
    'database-url': {
      type: 'string',
      description: 'PostgreSQL URL',
      default: parseEnv(baseEnv.pick({ DATABASE_URL: true })).DATABASE_URL,
    },
  },
  details: [
    "verify walks each guild's chain from its anchor and names the first entry that was changed,",
    'removed or reordered; it exits 1 when any chain is broken, 0 when all hold.',
    "prune deletes the oldest entries, keeps the last deleted entry's hash as the chain's anchor,",
    'and records the pruning in the chain, so what remains still verifies. The log-writer prunes',
    "by each guild's logRetentionDays on its own.",
  ].join('\n'),
  async run(args) {
    const [action, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
    const url = urlOption(args, 'database-url', 'PostgreSQL');
    const guild = guildOption(args.values.guild);
    if (action === 'verify') return verify(url, guild);
    if (action === 'prune') return prune(url, guild, intOption(args, 'older-than-days', 1, 36_500));
    throw new UsageError(action ? `unknown audit action "${action}"` : 'say verify or prune');
  },
};
