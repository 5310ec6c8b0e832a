import { isDiscordRefused } from '@chat-guard/discord';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

export type ActionOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'failed'; readonly reason: string };

/**
 * Runs a Discord action at most once to completion per key: a key already done or refused
 * is skipped; Discord's refusal (403, unknown member) is recorded as failed and not retried;
 * a transient failure leaves it pending and rethrows, so the message is retried.
 */
export async function runOnce(
  db: Kysely<Database>,
  action: { key: string; guildId: string; kind: string },
  perform: () => Promise<void>,
): Promise<ActionOutcome> {
  await db
    .insertInto('enforcement_action')
    .values({ key: action.key, guild_id: action.guildId, kind: action.kind, status: 'pending' })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('enforcement_action')
    .select(['status', 'last_error'])
    .where('key', '=', action.key)
    .executeTakeFirstOrThrow();
  if (row.status === 'done') return { status: 'done' };
  if (row.status === 'failed') return { status: 'failed', reason: row.last_error ?? 'refused' };
  try {
    await perform();
  } catch (err) {
    const refused = isDiscordRefused(err);
    await db
      .updateTable('enforcement_action')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: err instanceof Error ? err.message : String(err),
        ...(refused ? { status: 'failed' as const, finished_at: new Date() } : {}),
      }))
      .where('key', '=', action.key)
      .execute();
    if (refused) return { status: 'failed', reason: err.message };
    throw err;
  }
  await db
    .updateTable('enforcement_action')
    .set((eb) => ({ status: 'done', attempts: eb('attempts', '+', 1), finished_at: new Date() }))
    .where('key', '=', action.key)
    .execute();
  return { status: 'done' };
}
