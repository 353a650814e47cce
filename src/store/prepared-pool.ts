// A pg pool for Kysely that sends hot statements as named prepared statements: parsed and planned once per connection.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** Statements longer than this, or with more parameters (bulk inserts of varying size), stay unnamed. */
const MAX_TEXT = 8000;
const MAX_PARAMS = 100;
/** Names one connection may hold; past it a connection sends the rest unnamed (bounds server memory). */
const MAX_PER_CONNECTION = 300;

const names = new Map<string, string>();
const nameOf = (text: string): string => {
  let name = names.get(text);
  if (name === undefined) {
    name = `k${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    // The map is only a cache of hashes; it is cleared rather than allowed to grow without end.
    if (names.size > 5000) names.clear();
    names.set(text, name);
  }
  return name;
};

// A table altered after a statement was prepared on a connection ("cached plan must not change result type").
const isStalePlan = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '0A000';

/**
 * node-pg sends every query as an unnamed statement, which PostgreSQL parses and plans each time. The
 * transition and escalation statements repeat thousands of times a second under a deadline storm; as
 * named statements each connection prepares them once. A connection whose prepared plan went stale
 * (a migration altered a table) answers the statement unnamed and is then closed instead of reused.
 */
export function preparedPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const prepared = client as pg.PoolClient & { preparedNames?: Set<string> };
      const held = (prepared.preparedNames ??= new Set<string>());
      let stale = false;
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never) as PostgresCursor<R>;
        const values = [...(parameters ?? [])];
        const nameable = values.length > 0 && values.length <= MAX_PARAMS && sqlOrCursor.length <= MAX_TEXT && !stale;
        const name = nameable ? nameOf(sqlOrCursor) : undefined;
        if (name === undefined || (!held.has(name) && held.size >= MAX_PER_CONNECTION)) {
          return client.query(sqlOrCursor, values) as unknown as Promise<PostgresQueryResult<R>>;
        }
        held.add(name);
        return (client.query({ name, text: sqlOrCursor, values }) as unknown as Promise<PostgresQueryResult<R>>).catch((err: unknown) => {
          if (!isStalePlan(err)) throw err;
          stale = true;
          return client.query(sqlOrCursor, values) as unknown as Promise<PostgresQueryResult<R>>;
        });
      }
      return {
        query,
        // A stale connection is destroyed: its prepared statements go with it.
        release: () => client.release(stale ? new Error('prepared statements went stale') : undefined),
      };
    },
    end: () => pool.end(),
  };
}
