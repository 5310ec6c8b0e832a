import { Redis } from 'ioredis';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// int8 (bigint) stays a string; numeric counts from count(*) are cast where read.
export interface Postgres {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  /** Resolves when a trivial query succeeds. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A pooled, typed PostgreSQL client. */
export function connectPostgres(
  url: string,
  options: { max?: number; applicationName?: string; onError: (err: Error) => void },
): Postgres {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'chat-guard',
    connectionTimeoutMillis: 5_000,
  });
  // A client whose server went away emits 'error'; unhandled, that would end the process.
  pool.on('error', options.onError);
  // pool.end() resolves once its clients are asked to end, not once their sockets are
  // closed; close() waits for those too, so nothing of ours is still connected after it.
  const socketsClosed = new Set<Promise<void>>();
  // A client checked out (a transaction between two statements) has no pool listener: its lost
  // connection is reported by its own, and the caller's next statement fails instead. An idle
  // client's is the pool's to report, so each lost connection is said once.
  const checkedOut = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_err, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (checkedOut.has(client)) options.onError(err);
    });
    const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
    socketsClosed.add(closed);
    void closed.then(() => socketsClosed.delete(closed));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await db.destroy();
      await Promise.all(socketsClosed);
    },
  };
}

/**
 * A Redis client that reconnects forever and fails commands fast while it is down. With a
 * namespace, every key it touches (scripts' keys too) is prefixed `<namespace>:`, so
 * deployments (and test runs) sharing one Redis never meet, as on NATS.
 */
export function connectRedis(url: string, connectionName = 'chat-guard', namespace = ''): Redis {
  return new Redis(url, {
    connectionName,
    ...(namespace ? { keyPrefix: `${namespace}:` } : {}),
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    // Commands issued in the same tick share one write: one per batch, not one per message.
    enableAutoPipelining: true,
  });
}
