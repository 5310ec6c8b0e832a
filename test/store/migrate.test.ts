import { defaultGuildConfig } from '@chat-guard/events';
import { configFromRow } from '@chat-guard/guild-config';
import { connectPostgres, ensureDatabase, migrateToLatest, migrationNames } from '@chat-guard/store';
import { Migrator, sql } from 'kysely';
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

it('applies a migration numbered below one a database already has (008 after 009)', async () => {
  const target = freshDatabase();
  databases.push(target);
  await ensureDatabase(target.url);
  const postgres = connectPostgres(target.url, { onError: failOnPoolError });
  try {
    const all = Object.fromEntries(
      await Promise.all(
        migrationNames.map(
          async (name) => [name, await import(`../../libs/store/src/migrations/${name}.ts`)] as const,
        ),
      ),
    );
    const without008 = migrationNames.filter((n) => n !== '008_log_outbox_nonce');
    const shipped = new Migrator({
      db: postgres.db,
      provider: { getMigrations: async () => Object.fromEntries(without008.map((n) => [n, all[n]])) },
    });
    expect((await shipped.migrateToLatest()).error).toBeUndefined();
    const report = await migrateToLatest(postgres.db);
    expect(report.applied).toEqual(['008_log_outbox_nonce']);
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'log_outbox'`.execute(
      postgres.db,
    );
    expect(columns.rows.map((r) => r.column_name)).toContain('batch_nonce');
  } finally {
    await postgres.close();
  }
});

it('turns the violations recorded before cases existed into the first cases of their guilds', async () => {
  const target = freshDatabase();
  databases.push(target);
  await ensureDatabase(target.url);
  const postgres = connectPostgres(target.url, { onError: failOnPoolError });
  try {
    const earlier = migrationNames.slice(0, migrationNames.indexOf('009_moderation'));
    const all = Object.fromEntries(
      await Promise.all(
        migrationNames.map(
          async (name) => [name, await import(`../../libs/store/src/migrations/${name}.ts`)] as const,
        ),
      ),
    );
    const upTo = new Migrator({
      db: postgres.db,
      provider: { getMigrations: async () => Object.fromEntries(earlier.map((n) => [n, all[n]])) },
    });
    expect((await upTo.migrateToLatest()).error).toBeUndefined();
    const hash = 'a'.repeat(64);
    for (const [i, guild] of ['1100000000000000001', '1100000000000000001', '1100000000000000002'].entries())
      await sql`
        insert into violation (guild_id, user_id, channel_id, message_id, types, content_hash, action,
          idempotency_key, occurred_at, violation_count, timeout_until)
        values (${guild}, '1300000000000000001', '1200000000000000001', ${`150000000000000000${i}`},
          ${['spam', 'invite']}::text[], ${hash}, ${i === 1 ? 'timeout' : 'warn'},
          ${`verdict:150000000000000000${i}:0`}, ${new Date(Date.UTC(2026, 0, 1, i))}, ${i + 1},
          ${i === 1 ? new Date(Date.UTC(2026, 0, 1, 2)) : null})`.execute(postgres.db);
    await migrateToLatest(postgres.db);
    const cases = await postgres.db
      .selectFrom('moderation_case')
      .selectAll()
      .orderBy('guild_id')
      .orderBy('number')
      .execute();
    expect(
      cases.map((c) => [c.guild_id.slice(-1), c.number, c.action, c.rule, c.counts, c.audit_keys]),
    ).toEqual([
      ['1', 1, 'warn', 'spam,invite', true, ['delete:1500000000000000000:0', 'warn:1500000000000000000:0']],
      [
        '1',
        2,
        'timeout',
        'spam,invite',
        true,
        ['delete:1500000000000000001:0', 'timeout:1500000000000000001:0'],
      ],
      ['2', 1, 'warn', 'spam,invite', true, ['delete:1500000000000000002:0', 'warn:1500000000000000002:0']],
    ]);
    const counters = await postgres.db
      .selectFrom('moderation_case_counter')
      .selectAll()
      .orderBy('guild_id')
      .execute();
    expect(counters.map((c) => c.last_number)).toEqual([2, 1]);
  } finally {
    await postgres.close();
  }
});

it('applies a migration numbered below one a deployment already has (007 after 009)', async () => {
  const target = freshDatabase();
  databases.push(target);
  await ensureDatabase(target.url);
  const postgres = connectPostgres(target.url, { onError: failOnPoolError });
  try {
    const released = migrationNames.filter((name) => name !== '007_gate_step');
    const all = Object.fromEntries(
      await Promise.all(
        released.map(
          async (name) => [name, await import(`../../libs/store/src/migrations/${name}.ts`)] as const,
        ),
      ),
    );
    const before = new Migrator({ db: postgres.db, provider: { getMigrations: async () => all } });
    expect((await before.migrateToLatest()).error).toBeUndefined();

    const report = await migrateToLatest(postgres.db);
    expect(report.applied).toEqual(['007_gate_step']);
    const gates = await postgres.db.selectFrom('gate_step').selectAll().execute();
    expect(gates).toEqual([]);
  } finally {
    await postgres.close();
  }
});
