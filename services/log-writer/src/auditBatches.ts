import type { EventPayload } from '@chat-guard/events';
import { LaneBatches } from '@chat-guard/runtime';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { type AuditAppend, appendAuditEntries } from './auditStore.ts';
import { auditInput } from './recordAudit.ts';

/** At most this many entries go into one guild's chain per transaction. */
export const AUDIT_BATCH_MAX = 200;

/**
 * Appends audit events to their guild's chain in batches, one lane per guild: the entries of a
 * guild that arrive in one event-loop turn (one pull from NATS, such as a violation's deletion
 * and warning) go in one transaction at the turn's end, and those that arrive while it commits
 * go together in the next, in arrival order. Each caller learns when its own entry is stored
 * (or why not), so the message that carried it is acked only then.
 */
export class AuditBatches {
  private readonly batches: LaneBatches<AuditAppend, void>;
  /** Transactions written and the entries they carried, for the log and the tests. */
  readonly counts = { transactions: 0, entries: 0 };

  constructor(db: Kysely<Database>) {
    this.batches = new LaneBatches(
      AUDIT_BATCH_MAX,
      async (guildId, batch) => {
        await appendAuditEntries(
          db,
          guildId,
          batch.map((w) => w.item),
        );
        this.counts.transactions++;
        this.counts.entries += batch.length;
        for (const w of batch) w.resolve();
      },
      'turnEnd',
    );
  }

  /** Stores an audit event in its guild's chain, queueing its embed for the log channel if any. */
  record(event: EventPayload<'audit.recorded'>, logChannelId: string | null): Promise<void> {
    return this.batches.add(event.guildId, { input: auditInput(event), logChannelId });
  }
}
