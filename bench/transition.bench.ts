// Benchmark of TRIAGE (POST /v1/tickets/:id/events) against pgbench running the same SQL; `npm run bench:transition`.
import { sql } from 'kysely';
import type { Db } from '../src/store/db.js';
import { uuidv7 } from '../src/store/uuidv7.js';
import { CONNECTIONS, createBenchDatabase, login, request, runBench, sessionOf, settle, startApiChild } from './harness.js';
import { checkBaseline, driveApi, printReport, runPgbench } from './load.js';

/** Fresh `registered` tickets for the API run (warm-up included) and for pgbench (split per client). */
const API_TICKETS = Number(process.env.BENCH_TICKETS ?? 40_000);
const PGBENCH_TICKETS = Number(process.env.BENCH_PGBENCH_TICKETS ?? 128_000);
const BATCH = 10_000;

// What one POST /v1/tickets/:id/events TRIAGE onSite issues at commit 276df0a (repositories, checked
// with log_statement = 'all'): the per-request session check; lock the ticket, versioned update, TRIAGE
// event, two deadline outbox rows, commit; then the route re-reads the ticket and its timeline. County
// settings come from a 30 s cache and are left out.
// Each client walks its own slice of bench_pool (per-client `k` survives between transactions), so
// every transaction finds a fresh `registered` ticket; the subquery only maps the slot to its id.
const SCRIPT = `
\\set k :k + 1
\\set n :client_id * :per_client + :k
select s.id, s.county_id, s.display_name, s.roles, s.active, u.id as unit_id, u.path, u.kind, a.revoked_at, a.expires_at from staff as s inner join units as u on u.id = s.unit_id inner join auth_sessions as a on a.staff_id = s.id and a.id = :session where s.id = :staff;
BEGIN;
select * from tickets where county_id = :county and id = (select id from bench_pool where n = :n) for update \\gset t_
update tickets set state = 'onSite', snapshot = :snapshot, mode = 'onSite', level = 'village', warned = false, overdue = false, clock = 2, entered_at = now(), due_at = :due_at, warn_at = :warn_at, paused_at = null, paused_ms = 0, due_uncovered = false, lead_unit_id = null, co_unit_ids = '{}', reopen_count = 0, updated_at = now(), closed_at = null, version = :t_version::int + 1 where id = :t_id and version = :t_version returning *;
insert into ticket_events (county_id, ticket_id, version, type, actor_kind, actor_id, actor_name, payload, from_state, to_state, level, created_at) values (:county, :t_id, :t_version::int + 1, 'TRIAGE', 'staff', :staff, :actor_name, '{"mode":"onSite"}', :t_state, 'onSite', 'village', now());
insert into outbox (county_id, ticket_id, topic, job_id, payload, run_at) values (:county, :t_id, 'deadline', concat(translate(encode(uuid_send(:t_id::uuid), 'base64'), '+/=', '-_'), '.2.v.w'), jsonb_build_object('countyId', :county::text, 'dueAt', (extract(epoch from :warn_at::timestamptz) * 1000)::bigint), :warn_at), (:county, :t_id, 'deadline', concat(translate(encode(uuid_send(:t_id::uuid), 'base64'), '+/=', '-_'), '.2.v.p'), jsonb_build_object('countyId', :county::text, 'dueAt', (extract(epoch from :due_at::timestamptz) * 1000)::bigint), :due_at);
END;
select * from tickets where county_id = :county and id = :t_id;
select * from ticket_events where ticket_id = :t_id order by version;
`;

/**
 * Copies of one ticket the service registered (its row, REGISTER event and outbox rows), with new
 * UUIDv7 ids and numbers from the same counter: what `count` registrations would leave behind.
 */
async function cloneTicket(db: Db, templateId: string, count: number): Promise<string[]> {
  const all: string[] = [];
  for (let done = 0; done < count; done += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, count - done) }, () => uuidv7());
    await db.transaction().execute(async (trx) => {
      await sql`
        with c as (
          update ticket_counters k set last_value = k.last_value + ${ids.length}
          from tickets t where t.id = ${templateId} and k.county_id = t.county_id and k.year = split_part(t.number, '-', 1)::int
          returning k.last_value, k.year),
        u as (select id, ord from unnest(${ids}::uuid[]) with ordinality as x(id, ord))
        insert into tickets
        select (jsonb_populate_record(t, jsonb_build_object('id', u.id,
          'number', concat(c.year, '-', lpad((c.last_value - ${ids.length} + u.ord)::text, 6, '0'))))).*
        from tickets t, c, u where t.id = ${templateId} order by u.ord`.execute(trx);
      await sql`
        insert into ticket_events (county_id, ticket_id, version, type, actor_kind, actor_id, actor_name, payload, from_state, to_state, level, created_at)
        select e.county_id, u.id, e.version, e.type, e.actor_kind, e.actor_id, e.actor_name, e.payload, e.from_state, e.to_state, e.level, e.created_at
        from ticket_events e, unnest(${ids}::uuid[]) as u(id) where e.ticket_id = ${templateId}`.execute(trx);
      await sql`
        insert into outbox (county_id, ticket_id, topic, job_id, payload, run_at)
        select o.county_id, u.id, o.topic, replace(replace(o.job_id, ${templateId}, u.id::text), translate(encode(uuid_send(${templateId}::uuid), 'base64'), '+/=', '-_'), translate(encode(uuid_send(u.id), 'base64'), '+/=', '-_')),
               replace(o.payload::text, ${templateId}, u.id::text)::jsonb, o.run_at
        from outbox o, unnest(${ids}::uuid[]) with ordinality as u(id, ord) where o.ticket_id = ${templateId} order by u.ord, o.id`.execute(trx);
    });
    all.push(...ids);
  }
  return all;
}

await runBench('bench:transition', async () => {
  const { url, db, county, serverVersion } = await createBenchDatabase();
  const api = await startApiChild(url);
  // TRIAGE is the town dispatcher's event (docs/SECURITY.md).
  const authorization = await login(api, 'dispatcher');
  // The template is registered through the API, and one TRIAGE on it proves the route works before load.
  const started = Date.now();
  const body = { householdId: county.households[0], category: '水利', description: '村东头灌溉水渠漏水，用水流失严重，请求尽快修补。' };
  const template = (await request(api, authorization, '/v1/tickets', body, 201)) as { id: string };
  const apiIds = await cloneTicket(db, template.id, API_TICKETS);
  const pgbenchIds = await cloneTicket(db, template.id, PGBENCH_TICKETS);
  await request(api, authorization, `/v1/tickets/${template.id}/events`, { type: 'TRIAGE', mode: 'onSite' }, 200);
  await sql`create table bench_pool (n int primary key, id uuid not null)`.execute(db);
  await sql`insert into bench_pool select ord, id from unnest(${pgbenchIds}::uuid[]) with ordinality as u(id, ord)`.execute(db);
  console.log(`${API_TICKETS + PGBENCH_TICKETS} registered tickets ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  let next = 0;
  await settle(db);
  const apiFigures = await driveApi(api, '/v1/tickets', {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'TRIAGE', mode: 'onSite' }),
    // One fresh ticket per request; past the pool the ids repeat and answer 409, counted as non-2xx.
    requests: [{ setupRequest: (req) => ({ ...req, path: `/v1/tickets/${apiIds[next++ % apiIds.length]}/events` }) }],
  });
  if (next > apiIds.length) console.error(`API run used ${next} ids but only ${apiIds.length} were made: raise BENCH_TICKETS`);

  // The baseline writes what the service wrote for TRIAGE: snapshot, deadlines, actor name, read back.
  const { rows } = await sql<{ id: string; snapshot: string; due_at: string; warn_at: string; actor_name: string }>`
    select t.id, t.snapshot::text as snapshot, t.due_at::text as due_at, t.warn_at::text as warn_at, e.actor_name
    from tickets t join ticket_events e on e.ticket_id = t.id and e.version = 2
    where t.state = 'onSite' limit 1`.execute(db);
  const sample = rows[0];
  if (!sample) throw new Error('the API run triaged no ticket');
  await settle(db);
  const baseline = await runPgbench(url, SCRIPT, {
    k: 0,
    per_client: Math.floor(PGBENCH_TICKETS / CONNECTIONS),
    county: county.countyId,
    staff: county.staff.dispatcher ?? '',
    session: await sessionOf(db, county.staff.dispatcher ?? ''),
    actor_name: sample.actor_name,
    snapshot: sample.snapshot,
    due_at: sample.due_at,
    warn_at: sample.warn_at,
  });
  const { rows: check } = await sql<{ triaged: string; one: string }>`
    select count(*) as triaged, min(id::text) as one from tickets where version = 2 and id in (select id from bench_pool)`.execute(db);
  console.log(`pgbench triaged ${check[0]?.triaged} pool tickets in ${baseline.transactions} transactions`);
  await checkBaseline(db, sample.id, check[0]?.one ?? '');
  console.log(`\nPostgreSQL ${serverVersion}`);
  printReport('bench:transition — POST /v1/tickets/:id/events TRIAGE vs pgbench on the same SQL', apiFigures, baseline);
});
