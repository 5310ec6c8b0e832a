import { z } from 'zod';
import type { PriorState } from './lockdownPlan.ts';

const overwrite = z.object({ allow: z.string(), deny: z.string() });

/** `lockdown.prior_state` as stored: the schema a row is parsed with, never cast. */
const priorStateSchema = z.object({
  verificationLevel: z.number().int().min(0),
  invitesDisabledUntil: z.number().nullable(),
  // Snapshots written before DM pauses existed have no such field: nothing to restore.
  dmsDisabledUntil: z.number().nullable().default(null),
  channels: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      rateLimitPerUser: z.number().int().min(0),
      everyone: overwrite.nullable(),
    }),
  ),
  alert: z.object({
    joinsLastMinute: z.number().int().min(0),
    topInvite: z.object({ code: z.string(), share: z.number() }).nullable(),
  }),
}) satisfies z.ZodType<PriorState>;

/** A stored snapshot that is not what a lift can restore from: a retry will not change it. */
export class UnreadablePriorStateError extends Error {
  readonly retryable = false;
  constructor(
    readonly lockdownId: string,
    readonly issues: string,
  ) {
    super(`the stored prior state of lockdown ${lockdownId} is unreadable: ${issues}`);
    this.name = 'UnreadablePriorStateError';
  }
}

/** The snapshot stored on a lockdown row, parsed; null when none was taken. */
export function parsePriorState(lockdownId: string, stored: unknown): PriorState | null {
  if (stored === null || stored === undefined) return null;
  const parsed = priorStateSchema.safeParse(stored);
  if (!parsed.success) throw new UnreadablePriorStateError(lockdownId, z.prettifyError(parsed.error));
  return parsed.data;
}
