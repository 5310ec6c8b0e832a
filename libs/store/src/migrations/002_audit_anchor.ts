import { type Kysely, sql } from 'kysely';

// Retention prunes the oldest audit entries; the anchor keeps the last pruned entry's
// sequence number and hash, so what remains still verifies from there.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_anchor')
    .addColumn('guild_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_anchor').execute();
}
