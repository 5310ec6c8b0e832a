import { LaneBatches } from '@chat-guard/runtime';
import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import type { EscalationPolicy } from './nextEscalation.ts';
import { type RecordedViolation, recordViolations, type Verdict } from './violationStore.ts';

/** At most this many verdicts are recorded in one transaction. */
const MAX_BATCH = 200;

/**
 * Records violations per guild in batches: the verdicts of a guild that arrive while its last
 * transaction commits are recorded together in the next one (one transaction for all).
 */
export class ViolationBatches {
  private readonly batches: LaneBatches<{ verdict: Verdict; policy: EscalationPolicy }, RecordedViolation>;

  constructor(db: Kysely<Database>) {
    this.batches = new LaneBatches(MAX_BATCH, async (_guildId, batch) => {
      const [first] = batch;
      if (!first) return;
      const recorded = await recordViolations(
        db,
        batch.map((w) => w.item.verdict),
        first.item.policy,
      );
      for (const [i, w] of batch.entries()) {
        const result = recorded[i];
        if (result) w.resolve(result);
        else w.reject(new Error(`violation of message ${w.item.verdict.messageId} was not recorded`));
      }
    });
  }

  /** Records the violation as a case and decides its escalation and notice. */
  record(verdict: Verdict, policy: EscalationPolicy): Promise<RecordedViolation> {
    return this.batches.add(verdict.guildId, { verdict, policy });
  }
}
