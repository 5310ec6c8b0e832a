import type { Database } from '@chat-guard/store';
import { type Kysely, sql } from 'kysely';

/** A guild's member gate as admins and the dashboard see it: its state and its numbers. */
export interface GateStatus {
  readonly roleId: string | null;
  readonly channelId: string | null;
  /** Why the gate could not be set up, if it could not (a missing permission). */
  readonly setupError: string | null;
  /** The raid detector's gate in force, if any. */
  readonly raidGateId: string | null;
  readonly joined: number;
  readonly gated: number;
  readonly passed: number;
  readonly failed: number;
  readonly expired: number;
  readonly pending: number;
  /** Gated and never passed (failed or expired). */
  readonly dropOff: number;
  /** Time from gated to passed, in seconds; null before anyone passed. */
  readonly medianPassSeconds: number | null;
  readonly p90PassSeconds: number | null;
}

/** Reads a guild's gate status from the verifier's tables (read-only; the verifier owns them). */
export async function gateStatus(db: Kysely<Database>, guildId: string, sinceDays = 30): Promise<GateStatus> {
  const since = new Date(Date.now() - sinceDays * 86_400_000);
  const guild = await db
    .selectFrom('verifier_guild')
    .selectAll()
    .where('guild_id', '=', guildId)
    .executeTakeFirst();
  const counts = await db
    .selectFrom('verification')
    .select([
      sql<string>`count(*)`.as('joined'),
      sql<string>`count(*) filter (where status <> 'admitted')`.as('gated'),
      sql<string>`count(*) filter (where status = 'passed')`.as('passed'),
      sql<string>`count(*) filter (where status = 'failed')`.as('failed'),
      sql<string>`count(*) filter (where status = 'expired')`.as('expired'),
      sql<string>`count(*) filter (where status = 'pending')`.as('pending'),
      sql<
        number | null
      >`percentile_cont(0.5) within group (order by extract(epoch from finished_at - created_at)) filter (where status = 'passed')`.as(
        'median',
      ),
      sql<
        number | null
      >`percentile_cont(0.9) within group (order by extract(epoch from finished_at - created_at)) filter (where status = 'passed')`.as(
        'p90',
      ),
    ])
    .where('guild_id', '=', guildId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  const n = (v: string) => Number(v);
  return {
    roleId: guild?.role_id ?? null,
    channelId: guild?.channel_id ?? null,
    setupError: guild?.setup_error ?? null,
    raidGateId: guild?.gate_id ?? null,
    joined: n(counts.joined),
    gated: n(counts.gated),
    passed: n(counts.passed),
    failed: n(counts.failed),
    expired: n(counts.expired),
    pending: n(counts.pending),
    dropOff: n(counts.failed) + n(counts.expired),
    medianPassSeconds: counts.median === null ? null : Number(counts.median),
    p90PassSeconds: counts.p90 === null ? null : Number(counts.p90),
  };
}
