import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<unknown>: they must not depend on today's table types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guild_config')
    .addColumn('guild_id', 'text', (c) => c.primaryKey())
    .addColumn('spam_guard', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('bad_word_guard', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('invite_guard', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('link_guard', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('mass_ping_guard', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('character_limit', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('filtered_words', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('mute_duration_minute', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('punish_log_channel_id', 'text')
    .addColumn('white_list_members', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('white_list_roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('white_list_channels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('spam_threshold', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('spam_window_seconds', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('mass_ping_threshold', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('max_message_length', 'integer', (c) => c.notNull().defaultTo(2000))
    .addColumn('allowed_domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('violation_window_hours', 'integer', (c) => c.notNull().defaultTo(24))
    .addColumn('log_retention_days', 'integer', (c) => c.notNull().defaultTo(90))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('violation')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('types', sql`text[]`, (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('violation_by_member')
    .on('violation')
    .columns(['guild_id', 'user_id', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_log_pk', ['guild_id', 'seq'])
    .addUniqueConstraint('audit_log_idempotency', ['guild_id', 'idempotency_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('violation').execute();
  await db.schema.dropTable('guild_config').execute();
}
