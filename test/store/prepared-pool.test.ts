// Named prepared statements: planned once per connection, and still right after a migration alters a table.
import t from 'tap';
import { sql } from 'kysely';
import { createTestDatabase } from '../helper.js';
import { createDb } from '../../src/store/db.js';

t.test('a statement prepared before ALTER TABLE still answers, with the new column, and the pool goes on', async (t) => {
  const { url } = await createTestDatabase(t.teardown);
  // One connection, so the second run meets the plan the first one prepared.
  const db = createDb(url, { max: 1 });
  t.teardown(() => db.destroy());
  await sql`create table places (id int primary key, name text not null)`.execute(db);
  await sql`insert into places values (1, '青山镇'), (2, '白水镇')`.execute(db);
  const read = () => sql<Record<string, unknown>>`select * from places where id = ${1}`.execute(db);

  t.same((await read()).rows, [{ id: 1, name: '青山镇' }]);
  const { rows: prepared } = await sql<{ name: string }>`select name from pg_prepared_statements where statement like 'select * from places%'`.execute(db);
  t.equal(prepared.length, 1, 'the statement is prepared on the connection');

  await sql`alter table places add column kind text not null default 'town'`.execute(db);
  t.same((await read()).rows, [{ id: 1, name: '青山镇', kind: 'town' }], 'the stale plan is not served: the new column is there');
  t.same((await read()).rows, [{ id: 1, name: '青山镇', kind: 'town' }], 'and the next query on a fresh connection too');
  const { rows: after } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like 'select * from places%'`.execute(db);
  t.equal(after[0]?.n, 1, 'a fresh connection prepared it again');
});

t.test('bulk statements of varying size stay unnamed', async (t) => {
  const { url } = await createTestDatabase(t.teardown);
  const db = createDb(url, { max: 1 });
  t.teardown(() => db.destroy());
  await sql`create table marks (n int)`.execute(db);
  const values = Array.from({ length: 150 }, (_, i) => sql`(${i})`);
  await sql`insert into marks values ${sql.join(values)}`.execute(db);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like 'insert into marks%'`.execute(db);
  t.equal(rows[0]?.n, 0, 'more than 100 parameters: not prepared');
  t.equal((await sql<{ n: number }>`select count(*)::int as n from marks`.execute(db)).rows[0]?.n, 150);
});
