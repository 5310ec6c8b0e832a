import { type Kysely, sql } from 'kysely';

// Log-channel embeds wait here, written in the same transaction as their audit entry, until
// a log-writer replica posts them in batches: an embed is never lost to a crash.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('embed', 'jsonb', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('log_outbox_due').on('log_outbox').columns(['next_attempt_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('log_outbox').execute();
}
