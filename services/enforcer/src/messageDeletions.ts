import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';
import { snowflakeTimestamp } from '@chat-guard/events';
import { LaneBatches, type Waiting as Queued } from '@chat-guard/runtime';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { ActionBusyError, type ActionOutcome, claimActions, markDone, markFailed } from './actionLedger.ts';

/** Discord's bulk delete: 2 to 100 messages of one channel, none older than 14 days. */
export const BULK_DELETE_MAX = 100;
const BULK_DELETE_MAX_AGE_MS = 14 * 86_400_000;
/** Messages this close to the 14 days go one by one, so the clocks never disagree. */
const AGE_MARGIN_MS = 3_600_000;

/** A message to delete once, under its ledger key. */
export interface DeleteRequest {
  readonly key: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly messageId: string;
  /** The audit-log reason when it is deleted alone. */
  readonly reason: string;
}

export interface DeletionDeps {
  readonly db: Kysely<Database>;
  readonly discord: Pick<DiscordPort, 'deleteMessage' | 'bulkDeleteMessages'>;
  readonly now: () => number;
}

type Waiting = Queued<DeleteRequest, ActionOutcome>;

/**
 * Deletes messages once each, coalescing per channel: a channel with no call in flight gets its
 * message deleted at once; the messages that arrive while a call is in flight (a wave, or a rate
 * limit) wait for it and then go together in one bulk delete. The ledger claim of a whole batch
 * is one statement, and so is marking it done. A redelivered verdict whose deletion is still
 * queued or in flight here shares it instead of calling Discord again.
 */
export class MessageDeletions {
  private readonly batches = new LaneBatches<DeleteRequest, ActionOutcome>(
    BULK_DELETE_MAX,
    (channelId, batch) => this.flushBatch(channelId, batch),
  );
  private readonly inFlight = new Map<string, Promise<ActionOutcome>>();

  constructor(private readonly deps: DeletionDeps) {}

  /** Deletes the message once (done, refused, or a rejection to retry). */
  delete(request: DeleteRequest): Promise<ActionOutcome> {
    const shared = this.inFlight.get(request.key);
    if (shared) return shared;
    const outcome = this.batches.add(request.channelId, request);
    this.inFlight.set(request.key, outcome);
    const forget = () => this.inFlight.delete(request.key);
    outcome.then(forget, forget);
    return outcome;
  }

  private async flushBatch(channelId: string, batch: readonly Waiting[]): Promise<void> {
    const states = await claimActions(
      this.deps.db,
      batch.map((w) => ({ key: w.item.key, guildId: w.item.guildId, kind: 'message.delete' })),
    );
    const todo: Waiting[] = [];
    for (const w of batch) {
      const state = states.get(w.item.key) ?? 'busy';
      if (state === 'busy') w.reject(new ActionBusyError(w.item.key));
      else if (typeof state === 'object') w.resolve(state);
      else todo.push(w);
    }
    const youngest = this.deps.now() - BULK_DELETE_MAX_AGE_MS + AGE_MARGIN_MS;
    const young = todo.filter((w) => snowflakeTimestamp(w.item.messageId) > youngest);
    const bulk = young.length >= 2 ? young : [];
    const single = todo.filter((w) => !bulk.includes(w));
    if (bulk.length > 0 && !(await this.bulkDelete(channelId, bulk))) single.push(...bulk);
    await Promise.all(single.map((w) => this.deleteOne(w)));
  }

  /** One bulk call; false when Discord refused the batch as such (then they go one by one). */
  private async bulkDelete(channelId: string, batch: readonly Waiting[]): Promise<boolean> {
    const keys = batch.map((w) => w.item.key);
    try {
      await this.deps.discord.bulkDeleteMessages(
        channelId,
        batch.map((w) => w.item.messageId),
        `Chat Guard: ${batch.length} messages breaking the rules`,
      );
    } catch (err) {
      // A 400 is about the batch (an id too old by Discord's clock): each message alone may pass.
      if (isDiscordRefused(err) && err.status === 400) return false;
      await this.settleFailure(batch, keys, err);
      return true;
    }
    await this.settle(batch, () => markDone(this.deps.db, keys), { status: 'done' });
    return true;
  }

  private async deleteOne(w: Waiting): Promise<void> {
    const request = w.item;
    try {
      await this.deps.discord.deleteMessage(request.channelId, request.messageId, request.reason);
    } catch (err) {
      await this.settleFailure([w], [request.key], err);
      return;
    }
    await this.settle([w], () => markDone(this.deps.db, [request.key]), { status: 'done' });
  }

  private async settleFailure(batch: readonly Waiting[], keys: readonly string[], err: unknown) {
    const refused = isDiscordRefused(err);
    const reason = err instanceof Error ? err.message : String(err);
    // Refused: recorded for good. Transient: the claims stay pending and each verdict is retried.
    await this.settle(
      batch,
      () => markFailed(this.deps.db, keys, reason, refused),
      refused ? { status: 'failed', reason } : { error: err },
    );
  }

  /** Records the outcome, then hands it to every waiting verdict (or the ledger's own failure). */
  private async settle(
    batch: readonly Waiting[],
    record: () => Promise<void>,
    result: ActionOutcome | { readonly error: unknown },
  ) {
    try {
      await record();
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const w of batch) {
      if ('error' in result) w.reject(result.error);
      else w.resolve(result);
    }
  }
}
