import { isDiscordRefused } from '@chat-guard/discord';
import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';

export type ActionOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'failed'; readonly reason: string };

/** One Discord action to claim in the ledger. */
export interface LedgerAction {
  readonly key: string;
  readonly guildId: string;
  readonly kind: string;
}

/**
 * Where a claimed action stands: `new` (this call inserted it: act), `pending` (claimed before,
 * and its holder died or gave up on a transient failure: act again), `busy` (another delivery
 * claimed it within the lease and has not reported back: let that one act), or finished.
 */
export type ClaimState = 'new' | 'pending' | 'busy' | ActionOutcome;

/**
 * How long a fresh claim is left to its holder: the ack deadline, since a live holder keeps
 * its message (heartbeat) and only a dead one's comes back, after the deadline.
 */
export const CLAIM_LEASE_MS = 30_000;

/**
 * Claims actions in one statement: inserts the keys not yet in the ledger and reads what the
 * others already hold (the read sees the table as it was before the insert).
 */
export async function claimActions(
  db: Kysely<Database>,
  actions: readonly LedgerAction[],
): Promise<Map<string, ClaimState>> {
  const { rows } = await sql<{
    key: string;
    fresh: boolean;
    held: boolean;
    status: string | null;
    last_error: string | null;
  }>`
    with wanted as (
      select * from unnest(${actions.map((a) => a.key)}::text[], ${actions.map((a) => a.guildId)}::text[],
        ${actions.map((a) => a.kind)}::text[]) as w(key, guild_id, kind)
    ), claimed as (
      insert into enforcement_action (key, guild_id, kind, status)
      select key, guild_id, kind, 'pending' from wanted
      on conflict (key) do nothing
      returning key
    )
    select w.key, c.key is not null as fresh, a.status, a.last_error,
      coalesce(a.status = 'pending' and a.last_error is null
        and a.created_at > now() - make_interval(secs => ${CLAIM_LEASE_MS / 1000}), false) as held
    from wanted w
    left join claimed c on c.key = w.key
    left join enforcement_action a on a.key = w.key`.execute(db);
  return new Map(rows.map((r) => [r.key, claimState(r)]));
}

function claimState(row: {
  fresh: boolean;
  held: boolean;
  status: string | null;
  last_error: string | null;
}): ClaimState {
  if (row.fresh) return 'new';
  if (row.held) return 'busy';
  if (row.status === 'done') return { status: 'done' };
  if (row.status === 'failed') return { status: 'failed', reason: row.last_error ?? 'refused' };
  return row.status === 'pending' ? 'pending' : 'busy';
}

/** Marks actions carried out. */
export async function markDone(db: Kysely<Database>, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    update enforcement_action set status = 'done', attempts = attempts + 1, finished_at = now()
    where key = any(${[...keys]}::text[])`.execute(db);
}

/** Records a failed attempt: refused for good (not retried), or transient (left pending). */
export async function markFailed(
  db: Kysely<Database>,
  keys: readonly string[],
  reason: string,
  refused: boolean,
): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    update enforcement_action
    set attempts = attempts + 1, last_error = ${reason},
      status = case when ${refused} then 'failed' else status end,
      finished_at = case when ${refused} then now() else finished_at end
    where key = any(${[...keys]}::text[])`.execute(db);
}

/** Another delivery of the same verdict claimed the action at the same moment; retry later. */
export class ActionBusyError extends Error {
  readonly retryable = true;
  constructor(readonly key: string) {
    super(`action ${key} is being carried out by another delivery`);
    this.name = 'ActionBusyError';
  }
}

/**
 * Runs a Discord action at most once to completion per key: a key already done or refused
 * is skipped; Discord's refusal (403, unknown member) is recorded as failed and not retried;
 * a transient failure leaves it pending and rethrows, so the message is retried.
 */
export async function runOnce(
  db: Kysely<Database>,
  action: LedgerAction,
  perform: () => Promise<void>,
): Promise<ActionOutcome> {
  const state = (await claimActions(db, [action])).get(action.key) ?? 'busy';
  if (state === 'busy') throw new ActionBusyError(action.key);
  if (typeof state === 'object') return state;
  try {
    await perform();
  } catch (err) {
    const refused = isDiscordRefused(err);
    await markFailed(db, [action.key], err instanceof Error ? err.message : String(err), refused);
    if (refused) return { status: 'failed', reason: err.message };
    throw err;
  }
  await markDone(db, [action.key]);
  return { status: 'done' };
}
