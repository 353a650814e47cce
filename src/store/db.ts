// Builds the Kysely instance on a pg pool; `Executor` is what repositories take (db or a transaction).
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { preparedPool } from './prepared-pool.js';

export type Db = Kysely<Database>;
export type Executor = Kysely<Database> | Transaction<Database>;

// A calendar day is a day, not a UTC instant: keep pg's `date` as the YYYY-MM-DD text it sends.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

// bigint ids (ticket_events, outbox) stay strings; counts are parsed where they are read.
export function createDb(
  connectionString: string,
  options: { max?: number; onError?: (err: Error) => void; preparedStatements?: boolean } = {},
): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 20 });
  // An idle client dropped by the server (restart, shutdown) must not crash the process; the pool replaces it.
  pool.on('error', options.onError ?? (() => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: options.preparedStatements === false ? pool : preparedPool(pool) }) });
}
