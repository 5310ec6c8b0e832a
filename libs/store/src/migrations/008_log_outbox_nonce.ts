import { type Kysely, sql } from 'kysely';

// The nonce a batch of log embeds is posted with, kept on its embeds from the first attempt:
// a retry after Discord applied a post it answered with a 5xx sends the same batch with the
// same nonce, and Discord returns the message it made instead of making another.
//
// A configuration change is committed together with its announcement and audit entry to send
// (`pending_announcements`); `announced_revision` is the last revision every service was told
// of. One that could not be sent (NATS down) is sent by the gateway's sweep once it can.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('log_outbox').addColumn('batch_nonce', 'text').execute();
  await db.schema
    .alterTable('guild_config')
    .addColumn('announced_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_announcements', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  // What is stored now was announced when it was stored.
  await sql`update guild_config set announced_revision = revision`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_config').dropColumn('pending_announcements').execute();
  await db.schema.alterTable('guild_config').dropColumn('announced_revision').execute();
  await db.schema.alterTable('log_outbox').dropColumn('batch_nonce').execute();
}
