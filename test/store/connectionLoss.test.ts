import { randomBytes } from 'node:crypto';
import { connectPostgres } from '@chat-guard/store';
import { sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { ADMIN_URL } from '../support/postgres.ts';

async function terminate(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const ended = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return ended.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

/** A pool under a name of its own, so its connections can be cut, with what it reports. */
function namedPool(prefix: string) {
  const applicationName = `${prefix}_${randomBytes(4).toString('hex')}`;
  const errors: string[] = [];
  const postgres = connectPostgres(ADMIN_URL, {
    applicationName,
    onError: (err) => errors.push(err.message),
  });
  return { applicationName, errors, postgres };
}

it('a connection lost in the middle of a transaction fails that transaction, not the process', async () => {
  // The fault run's "PostgreSQL down 90 s" ended the enforcer this way: a client checked out
  // for a transaction has no pool listener, and its 'error' event went unhandled.
  const { applicationName, errors, postgres } = namedPool('cg_loss');
  try {
    const outcome = postgres.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      expect(await terminate(applicationName)).toBe(1);
      // The server has gone between two statements of the transaction.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select 2`.execute(trx);
    });
    await expect(outcome).rejects.toThrow();
    expect(errors.join('\n')).toMatch(/terminat/i);
    // The pool drops the broken client and serves the next caller on a new connection.
    const after = await sql<{ n: number }>`select 3 as n`.execute(postgres.db);
    expect(after.rows[0]?.n).toBe(3);
  } finally {
    await postgres.close();
  }
});

it('an idle connection lost is reported once, not by both the pool and the client', async () => {
  const { applicationName, errors, postgres } = namedPool('cg_idle');
  try {
    // Two clients at once, then both idle in the pool.
    await Promise.all([sql`select pg_sleep(0.05)`.execute(postgres.db), sql`select 1`.execute(postgres.db)]);
    expect(postgres.pool.idleCount).toBe(2);
    expect(await terminate(applicationName)).toBe(2);
    const deadline = Date.now() + 5_000;
    while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((resolve) => setTimeout(resolve, 300)); // a second report would come by now
    expect(errors).toHaveLength(2);
    for (const message of errors) expect(message).toMatch(/terminat/i);
  } finally {
    await postgres.close();
  }
});
