import pg from 'pg';

const INVALID_CATALOG_NAME = '3D000';

/** Creates the database a URL names when the server has no such database yet. Returns true if it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== INVALID_CATALOG_NAME) throw err;
  } finally {
    await probe.end();
  }
  await onMaintenanceDatabase(url, (admin, name) =>
    admin.query(`create database ${pg.escapeIdentifier(name)}`),
  );
  return true;
}

/** Drops the database a URL names, if there is one, ending its connections. */
export async function dropDatabase(url: string): Promise<void> {
  await onMaintenanceDatabase(url, (admin, name) =>
    admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
  );
}

/** Runs `work` connected to the server's `postgres` database, with the name the URL gives. */
async function onMaintenanceDatabase(
  url: string,
  work: (admin: pg.Client, name: string) => Promise<unknown>,
): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await work(admin, name);
  } finally {
    await admin.end();
  }
}
