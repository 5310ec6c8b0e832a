import { AuditVerifier, appendAuditEntry, pruneAuditLog } from '@chat-guard/log-writer';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

const GUILD = '1100000000000000001';
const OTHER = '1100000000000000002';
const HOUR = 3_600_000;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeEach(async () => {
  database = await migratedDatabase();
});
afterEach(() => database.close());

function action(guildId: string, n: number) {
  return {
    guildId,
    at: new Date(1_732_000_000_000 + n * 60_000),
    action: 'member.warn',
    actorId: 'chat-guard',
    targetId: '1300000000000000042',
    reason: `violation ${n}`,
    details: { n },
    idempotencyKey: `warn:${guildId}:${n}`,
  };
}

async function write(guildId: string, from: number, to: number) {
  for (let n = from; n <= to; n++) await appendAuditEntry(database.db, action(guildId, n));
}

describe('the periodic audit verification', () => {
  it('walks every chain, then only what was written since, and counts a broken chain until it is repaired', async () => {
    await write(GUILD, 1, 5);
    await write(OTHER, 1, 3);
    const verifier = new AuditVerifier(database.db, 24 * HOUR);
    const first = await verifier.run(0);
    expect(first).toMatchObject({ full: true, guilds: 2, checked: 8, broken: [] });

    await write(GUILD, 6, 7);
    const next = await verifier.run(HOUR);
    expect(next).toMatchObject({ full: false, checked: 2, broken: [] });

    // A new entry rewritten after it was written: the walk of new entries finds it…
    await write(GUILD, 8, 9);
    await sql`update audit_log set reason = 'rewritten' where guild_id = ${GUILD} and seq = 8`.execute(
      database.db,
    );
    const tampered = await verifier.run(2 * HOUR);
    expect(tampered.broken).toEqual([
      { guildId: GUILD, problem: expect.objectContaining({ kind: 'changed', seq: 8 }) },
    ]);
    expect(verifier.brokenChains).toBe(1);
    // …and keeps finding it on every run, until the row is as it was written.
    expect((await verifier.run(3 * HOUR)).broken).toHaveLength(1);
    await sql`update audit_log set reason = 'violation 8' where guild_id = ${GUILD} and seq = 8`.execute(
      database.db,
    );
    expect((await verifier.run(4 * HOUR)).broken).toEqual([]);
    expect(verifier.brokenChains).toBe(0);
  });

  it('finds an old entry changed after it was verified on the next full walk', async () => {
    await write(GUILD, 1, 4);
    const verifier = new AuditVerifier(database.db, 24 * HOUR);
    await verifier.run(0);
    await sql`delete from audit_log where guild_id = ${GUILD} and seq = 2`.execute(database.db);
    expect((await verifier.run(HOUR)).broken).toEqual([]); // only new entries walked: none
    const full = await verifier.run(25 * HOUR);
    expect(full.full).toBe(true);
    expect(full.broken).toEqual([
      { guildId: GUILD, problem: expect.objectContaining({ kind: 'removed', seq: 2 }) },
    ]);
  });

  it('resumes from the retention anchor when pruning moved past what it had verified', async () => {
    await write(GUILD, 1, 3);
    const verifier = new AuditVerifier(database.db, 24 * HOUR);
    await verifier.run(0);
    await write(GUILD, 4, 6);
    await pruneAuditLog(
      database.db,
      GUILD,
      new Date(1_732_000_000_000 + 5 * 60_000),
      new Date(1_732_000_000_000 + HOUR),
    );
    const after = await verifier.run(HOUR);
    expect(after).toMatchObject({ full: false, broken: [] });
  });
});
