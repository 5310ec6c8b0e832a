import { randomBytes } from 'node:crypto';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of a database that does not exist yet, and a function that drops it after the test. */
export function freshDatabase(): { url: string; drop(): Promise<void> } {
  const name = `cg_test_${randomBytes(5).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const { dropDatabase } = await import('@chat-guard/store');
      await dropDatabase(url.toString());
    },
  };
}

/** A fresh database with every migration applied; `close` closes the pool and drops it. */
export async function migratedDatabase() {
  const { connectPostgres, ensureDatabase, migrateToLatest } = await import('@chat-guard/store');
  const target = freshDatabase();
  await ensureDatabase(target.url);
  const postgres = connectPostgres(target.url, {
    onError: (err) => {
      throw err;
    },
  });
  await migrateToLatest(postgres.db);
  return {
    url: target.url,
    db: postgres.db,
    postgres,
    async close() {
      await postgres.close();
      await target.drop();
    },
  };
}
