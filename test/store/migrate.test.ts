import { defaultGuildConfig } from '@chat-guard/events';
import { configFromRow } from '@chat-guard/guild-config';
import { connectPostgres, ensureDatabase, migrateToLatest, migrationNames } from '@chat-guard/store';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { spawnTs } from '../support/processes.ts';

const databases: { drop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

function failOnPoolError(err: Error): never {
  throw err;
}

it('applies the migrations to an empty database, and a second run is a no-op', async () => {
  const target = freshDatabase();
  databases.push(target);
  expect(await ensureDatabase(target.url)).toBe(true);
  expect(await ensureDatabase(target.url)).toBe(false);

  const postgres = connectPostgres(target.url, { onError: failOnPoolError });
  try {
    const first = await migrateToLatest(postgres.db);
    expect(first.applied).toEqual(migrationNames);
    expect(migrationNames[0]).toBe('001_initial');
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      postgres.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['audit_anchor', 'audit_log', 'guild_config', 'moderation_case', 'appeal']),
    );

    const second = await migrateToLatest(postgres.db);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(migrationNames);
  } finally {
    await postgres.close();
  }
});

it("gives a new guild the schema's defaults and enforces one audit entry per idempotency key", async () => {
  const target = freshDatabase();
  databases.push(target);
  await ensureDatabase(target.url);
  const postgres = connectPostgres(target.url, { onError: failOnPoolError });
  try {
    await migrateToLatest(postgres.db);
    await postgres.db.insertInto('guild_config').values({ guild_id: '1100000000000000001' }).execute();
    const row = await postgres.db.selectFrom('guild_config').selectAll().executeTakeFirstOrThrow();
    // The columns' defaults are the schema's (the paper's Appendix B), so both agree on a new guild.
    expect(configFromRow(row)).toEqual(defaultGuildConfig());
    expect(row.mute_duration_minute).toBe(60);

    const entry = {
      guild_id: '1100000000000000001',
      at: new Date(),
      action: 'message.delete',
      actor_id: 'chat-guard',
      target_id: null,
      reason: 'invite link',
      details: '{}',
      idempotency_key: 'delete:1',
      prev_hash: '0'.repeat(64),
      hash: 'a'.repeat(64),
    };
    await postgres.db
      .insertInto('audit_log')
      .values({ ...entry, seq: 1 })
      .execute();
    await expect(
      postgres.db
        .insertInto('audit_log')
        .values({ ...entry, seq: 2 })
        .execute(),
    ).rejects.toThrow(/audit_log_idempotency/);
  } finally {
    await postgres.close();
  }
});

it('migrates from the command line, creating the database, and says so when run again', async () => {
  const target = freshDatabase();
  databases.push(target);
  const first = spawnTs(['libs/cli/src/run.ts', 'migrate', '--database-url', target.url]);
  expect(await first.exited).toBe(0);
  expect(first.output()).toMatch(/^created database cg_test_\w+\n/);
  expect(first.output()).toContain(migrationNames.map((name) => `applied ${name}`).join('\n'));

  const second = spawnTs(['libs/cli/src/run.ts', 'migrate'], { DATABASE_URL: target.url });
  expect(await second.exited).toBe(0);
  expect(second.output()).toContain(
    `schema is up to date (${migrationNames.length} migrations applied earlier)`,
  );
});

it('names the database problem when PostgreSQL cannot be reached', async () => {
  const down = spawnTs([
    'libs/cli/src/run.ts',
    'migrate',
    '--database-url',
    'postgres://postgres@127.0.0.1:1/none',
  ]);
  expect(await down.exited).toBe(1);
  expect(down.output()).toMatch(/chat-guard migrate: .*ECONNREFUSED/s);
});
