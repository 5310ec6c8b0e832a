import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';
import { type GateStepRow, gateKey, ledgerTaken, otherActiveGate, readGate } from './gateRecords.ts';
import type { GateDeps } from './gateStep.ts';
import { priorStateOf, readLockdown, withLockdownLock } from './lockdownRecords.ts';
import { stepKey } from './lockdownSteps.ts';

// Who owns a raised verification level when a gate and a lockdown (or two gates) overlap, so
// that whichever ends last puts back the level from before the first of them.

/** The guild's lockdown in force on Discord (not shadow), if any. */
async function activeLockdownId(db: Kysely<Database>, guildId: string): Promise<string | undefined> {
  const active = await db
    .selectFrom('lockdown')
    .select('id')
    .where('guild_id', '=', guildId)
    .where('status', '=', 'active')
    .where('shadow', '=', false)
    .executeTakeFirst();
  return active?.id;
}

/**
 * A gate that starts while a lockdown holds the level it wants: the gate takes the lockdown's
 * snapshot of the level (the lockdown's lift then leaves the level as it is), so the level stays
 * raised until the gate ends too. Returns the step in words, or undefined when no lockdown
 * raised it (the gate raises it itself).
 */
export async function takeOverFromLockdown(
  deps: GateDeps,
  row: GateStepRow,
  target: number,
): Promise<string | undefined> {
  const active = await activeLockdownId(deps.db, row.guild_id);
  if (!active) return undefined;
  return withLockdownLock(deps, active, async (deps) => {
    const lockdown = await readLockdown(deps.db, active);
    const snapshot = lockdown ? priorStateOf(lockdown) : null;
    if (lockdown?.status !== 'active' || !snapshot || snapshot.verificationLevel >= target) return undefined;
    if (!(await ledgerTaken(deps.db, stepKey(lockdown.id, 'verification', row.guild_id)))) return undefined;
    const current = (await deps.discord.guildState(row.guild_id)).verificationLevel;
    if (current < target) return undefined; // lowered since: the gate raises it itself
    const before = snapshot.verificationLevel;
    await deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('lockdown')
        .set({ prior_state: JSON.stringify({ ...snapshot, verificationLevel: current }) })
        .where('id', '=', lockdown.id)
        .execute();
      await tx
        .updateTable('gate_step')
        .set({ prior_level: before, raised_to: current })
        .where('gate_id', '=', row.gate_id)
        .where('prior_level', 'is', null)
        .execute();
      await tx
        .insertInto('enforcement_action')
        .values({
          key: gateKey(row, 'verification'),
          guild_id: row.guild_id,
          kind: 'gate.handover',
          status: 'done',
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    });
    return `verification level already ${current}, raised by lockdown ${lockdown.id}: the gate keeps it after the lift and restores ${before}`;
  });
}

/**
 * Where the raised level stays: with another gate that still holds, with an active lockdown that
 * will restore the guild, or as an admin has set it since. Returns the ended gate, or undefined
 * when the gate should restore the level itself.
 */
export async function keepElsewhere(
  deps: GateDeps,
  row: GateStepRow,
  raised: number,
  prior: number,
  ended: { status: 'ended'; ended_at: Date; ended_by: string },
  finish: (endStep: string, handedTo?: string | null) => Promise<GateStepRow>,
): Promise<GateStepRow | undefined> {
  const other = await otherActiveGate(deps.db, row);
  if (other && other.raised_to === null && other.prior_level === raised) {
    // The other gate found our level and raised nothing: it now owns the raise, and restores it.
    await deps.db
      .updateTable('gate_step')
      .set({ prior_level: prior, raised_to: raised })
      .where('gate_id', '=', other.gate_id)
      .execute();
    await deps.db
      .insertInto('enforcement_action')
      .values({
        key: gateKey(other, 'verification'),
        guild_id: row.guild_id,
        kind: 'gate.handover',
        status: 'done',
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return finish(
      `verification level left at ${raised}: gate ${other.gate_id} holds it and restores ${prior}`,
      other.gate_id,
    );
  }

  const handed = await handToLockdown(deps, row, raised, prior, ended);
  if (handed) return handed;
  const current = (await deps.discord.guildState(row.guild_id)).verificationLevel;
  if (current !== raised)
    return finish(`verification level is ${current} now, not the ${raised} the gate set: left as it is`);
  return undefined;
}

/**
 * An active lockdown that snapshotted the level the gate set would "restore" it to that level
 * on lift: it gets the gate's prior level instead, and its lift restores it. Returns the ended
 * gate, or undefined when no lockdown takes it (none active, shadow, or not snapshotted yet).
 */
async function handToLockdown(
  deps: GateDeps,
  row: GateStepRow,
  raised: number,
  prior: number,
  ended: { status: 'ended'; ended_at: Date; ended_by: string },
): Promise<GateStepRow | undefined> {
  const active = await activeLockdownId(deps.db, row.guild_id);
  if (!active) return undefined;
  return withLockdownLock(deps, active, async (deps) => {
    const lockdown = await readLockdown(deps.db, active);
    const snapshot = lockdown ? priorStateOf(lockdown) : null;
    if (lockdown?.status !== 'active' || !snapshot) return undefined;
    const end_step =
      snapshot.verificationLevel === raised
        ? `verification level left at ${raised}: lockdown ${lockdown.id} restores ${prior} when lifted`
        : `verification level left to lockdown ${lockdown.id}, which restores what it found (${snapshot.verificationLevel})`;
    await deps.db.transaction().execute(async (tx) => {
      if (snapshot.verificationLevel === raised) {
        await tx
          .updateTable('lockdown')
          .set({ prior_state: JSON.stringify({ ...snapshot, verificationLevel: prior }) })
          .where('id', '=', lockdown.id)
          .execute();
        // The lift restores the level only for a step its ledger says was taken: it now owns ours.
        await tx
          .insertInto('enforcement_action')
          .values({
            key: stepKey(lockdown.id, 'verification', row.guild_id),
            guild_id: row.guild_id,
            kind: 'gate.handover',
            status: 'done',
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      }
      await tx
        .updateTable('gate_step')
        .set({ ...ended, end_step, handed_to: lockdown.id })
        .where('gate_id', '=', row.gate_id)
        .execute();
    });
    return readGate(deps.db, row.gate_id);
  });
}
