import type { EventPayload } from '@chat-guard/events';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { type AuditAppend, appendAuditEntries } from './auditStore.ts';
import { auditInput } from './recordAudit.ts';

/** At most this many entries go into one guild's chain per transaction. */
export const AUDIT_BATCH_MAX = 200;

interface Waiting {
  readonly append: AuditAppend;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Appends audit events to their guild's chain in batches: a guild with no transaction in
 * flight gets its entries written at the end of the event-loop turn they arrived in (the
 * entries of one pull from NATS, such as a violation's deletion and warning, go together);
 * the entries that arrive while a transaction is in flight wait for it and then go together in
 * the next one, in arrival order. Each caller learns when its own entry is stored (or why
 * not), so the message that carried it is acked only then.
 */
export class AuditBatches {
  private readonly lanes = new Map<string, Waiting[]>();
  private readonly busyGuilds = new Set<string>();
  /** Guilds whose first waiting entry is to be written at the end of this turn. */
  private readonly scheduled = new Set<string>();
  /** Transactions written and the entries they carried, for the log and the tests. */
  readonly counts = { transactions: 0, entries: 0 };

  constructor(private readonly db: Kysely<Database>) {}

  /** Stores an audit event in its guild's chain, queueing its embed for the log channel if any. */
  record(event: EventPayload<'audit.recorded'>, logChannelId: string | null): Promise<void> {
    const append: AuditAppend = { input: auditInput(event), logChannelId };
    const stored = new Promise<void>((resolve, reject) => {
      const lane = this.lanes.get(event.guildId) ?? [];
      lane.push({ append, resolve, reject });
      this.lanes.set(event.guildId, lane);
    });
    if (!this.busyGuilds.has(event.guildId) && !this.scheduled.has(event.guildId)) {
      this.scheduled.add(event.guildId);
      setImmediate(() => {
        this.scheduled.delete(event.guildId);
        this.pump(event.guildId);
      });
    }
    return stored;
  }

  private pump(guildId: string): void {
    const lane = this.lanes.get(guildId);
    if (!lane || this.busyGuilds.has(guildId)) return;
    const batch = lane.splice(0, AUDIT_BATCH_MAX);
    if (lane.length === 0) this.lanes.delete(guildId);
    this.busyGuilds.add(guildId);
    void this.write(guildId, batch).finally(() => {
      this.busyGuilds.delete(guildId);
      this.pump(guildId);
    });
  }

  private async write(guildId: string, batch: readonly Waiting[]): Promise<void> {
    try {
      await appendAuditEntries(
        this.db,
        guildId,
        batch.map((w) => w.append),
      );
      this.counts.transactions++;
      this.counts.entries += batch.length;
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const w of batch) w.resolve();
  }
}
