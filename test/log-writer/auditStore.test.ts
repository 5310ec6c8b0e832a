import {
  AuditBatches,
  appendAuditEntry,
  auditedGuilds,
  pruneAuditLog,
  verifyGuildChain,
} from '@chat-guard/log-writer';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';
import { spawnTs } from '../support/processes.ts';

const GUILD = '1100000000000000001';
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeEach(async () => {
  database = await migratedDatabase();
});
afterEach(() => database.close());

function action(n: number, at = new Date(1_732_000_000_000 + n * 60_000)) {
  return {
    guildId: GUILD,
    at,
    action: 'member.warn',
    actorId: 'chat-guard',
    targetId: '1300000000000000042',
    reason: `violation ${n}`,
    details: { types: ['invite'], n },
    idempotencyKey: `warn:${n}`,
  };
}

function auditVerify(...args: string[]) {
  return spawnTs(['libs/cli/src/run.ts', 'audit', 'verify', '--database-url', database.url, ...args]);
}

describe('the audit log', () => {
  it('chains entries in order, records an idempotency key once, and survives concurrent writers', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAuditEntry(database.db, action(i))));
    const again = await appendAuditEntry(database.db, action(3));
    expect(again.created).toBe(false);
    const rows = await database.db.selectFrom('audit_log').select(['seq']).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const report = await verifyGuildChain(database.db, GUILD);
    expect(report).toMatchObject({ checked: 20, problem: undefined });
  });

  it('appends the entries of one guild that arrive in one turn in one transaction', async () => {
    const batches = new AuditBatches(database.db);
    const event = (n: number) => ({ ...action(n), details: { n }, at: action(n).at.getTime() });
    // A violation's deletion and warning, handed on together, as one pull from NATS brings them.
    await Promise.all([batches.record(event(1), null), batches.record(event(2), null)]);
    expect(batches.counts).toEqual({ transactions: 1, entries: 2 });
    // One that comes later in its own turn gets its own.
    await batches.record(event(3), null);
    expect(batches.counts).toEqual({ transactions: 2, entries: 3 });
    const rows = await database.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
  });

  it('appends a burst in a few batched transactions, each key once, and the chain still verifies', async () => {
    const batches = new AuditBatches(database.db);
    const event = (n: number) => ({ ...action(n), details: { n }, at: action(n).at.getTime() });
    // 300 entries arrive at once, 30 of them twice (a redelivery in the same burst).
    const burst = Array.from({ length: 300 }, (_, i) => event(i));
    const stored = [...burst, ...burst.slice(0, 30)].map((e) => batches.record(e, '1100000000000000200'));
    await Promise.all(stored);
    expect(batches.counts.entries).toBe(330);
    expect(batches.counts.transactions).toBeLessThanOrEqual(10);

    const rows = await database.db.selectFrom('audit_log').select(['seq', 'idempotency_key']).execute();
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(300);
    const embeds = await database.db.selectFrom('log_outbox').select('id').execute();
    expect(embeds).toHaveLength(300);
    const clean = auditVerify('--guild', GUILD);
    expect(await clean.exited).toBe(0);
    expect(clean.output()).toContain(`guild ${GUILD}: ok, 300 entries verified`);
  });

  it('verifies from the command line, and names the row changed in the database', async () => {
    for (let n = 1; n <= 5; n++) await appendAuditEntry(database.db, action(n));
    const clean = auditVerify();
    expect(await clean.exited).toBe(0);
    expect(clean.output()).toContain(`guild ${GUILD}: ok, 5 entries verified`);

    await sql`update audit_log set reason = 'nothing to see' where seq = 3`.execute(database.db);
    const tampered = auditVerify('--guild', GUILD);
    expect(await tampered.exited).toBe(1);
    expect(tampered.output()).toContain(`guild ${GUILD}: BROKEN: entry 3 was changed`);
  });

  it('names a deleted row', async () => {
    for (let n = 1; n <= 5; n++) await appendAuditEntry(database.db, action(n));
    await sql`delete from audit_log where seq = 2`.execute(database.db);
    const report = await verifyGuildChain(database.db, GUILD);
    expect(report.problem).toMatchObject({ kind: 'removed', seq: 2 });
  });

  it('prunes old entries by retention and still verifies, the pruning recorded in the chain', async () => {
    const now = new Date(1_732_000_000_000 + 10 * 60_000);
    for (let n = 1; n <= 6; n++) await appendAuditEntry(database.db, action(n));
    const cutoff = new Date(1_732_000_000_000 + 4 * 60_000);
    const { pruned } = await pruneAuditLog(database.db, GUILD, cutoff, now);
    expect(pruned).toBe(3);

    const report = await verifyGuildChain(database.db, GUILD);
    expect(report).toMatchObject({ anchorSeq: 3, checked: 4, problem: undefined });
    const last = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    expect(last).toMatchObject({
      action: 'audit.pruned',
      details: expect.objectContaining({ throughSeq: 3, entries: 3 }),
    });
    expect(await auditedGuilds(database.db)).toEqual([GUILD]);

    // The first entry left must still link to the anchor: deleting it is caught.
    await sql`delete from audit_log where seq = 4`.execute(database.db);
    expect((await verifyGuildChain(database.db, GUILD)).problem).toMatchObject({ kind: 'removed', seq: 4 });
  });
});
