import { baseEnv, parseEnv } from '@chat-guard/runtime';
import { connectPostgres, ensureDatabase, migrateToLatest } from '@chat-guard/store';
import type { Command } from '../command.ts';
import { reach, urlOption } from '../connections.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Create the database if needed and apply every pending schema migration',
  options: {
    'database-url': {
      type: 'string',
      description: 'PostgreSQL URL',
      default: parseEnv(baseEnv.pick({ DATABASE_URL: true })).DATABASE_URL,
    },
  },
  details: 'Safe to run any number of times: migrations already applied are skipped. Reads DATABASE_URL.',
  async run(args) {
    const url = urlOption(args, 'database-url', 'PostgreSQL');
    if (await reach('PostgreSQL', url, '--database-url', () => ensureDatabase(url)))
      console.log(`created database ${new URL(url).pathname.slice(1)}`);
    const postgres = connectPostgres(url, {
      applicationName: 'chat-guard migrate',
      onError: (err) => console.error(`postgres: ${err.message}`),
    });
    try {
      const report = await migrateToLatest(postgres.db);
      for (const name of report.applied) console.log(`applied ${name}`);
      if (report.applied.length === 0) {
        console.log(`schema is up to date (${report.alreadyApplied.length} migrations applied earlier)`);
      }
      return 0;
    } finally {
      await postgres.close();
    }
  },
};
