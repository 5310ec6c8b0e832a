import type { Kysely } from 'kysely';

// The nonce a batch of log embeds is posted with, kept on its embeds from the first attempt:
// a retry after Discord applied a post it answered with a 5xx sends the same batch with the
// same nonce, and Discord returns the message it made instead of making another.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('log_outbox').addColumn('batch_nonce', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('log_outbox').dropColumn('batch_nonce').execute();
}
