// Benchmark of 挂号 (POST /v1/tickets) against pgbench running the same SQL; `npm run bench:register`.
import { sql } from 'kysely';
import { createBenchDatabase, login, request, runBench, sessionOf, settle, startApiChild } from './harness.js';
import { checkBaseline, driveApi, printReport, runPgbench } from './load.js';

// What one POST /v1/tickets issues at commit 276df0a (read off the repositories, checked with
// log_statement = 'all'): the per-request session check, then in one transaction the household and
// unit lookups, the per-county-year counter upsert, the household's active link (包联 cadre), the ticket
// with its snapshot, the REGISTER event and the two deadline outbox rows of a `registered` ticket.
// County settings come from a 30 s cache (four selects per county per 30 s), left out here. The demo
// county has no links, so the link lookup finds no row and cadre_id comes in as '-' (NULL).
const SCRIPT = `
select s.id, s.county_id, s.display_name, s.roles, s.active, u.id as unit_id, u.path, u.kind, a.revoked_at, a.expires_at from staff as s inner join units as u on u.id = s.unit_id inner join auth_sessions as a on a.staff_id = s.id and a.id = :session where s.id = :staff;
BEGIN;
select * from households where county_id = :county and id = :household \\gset h_
select * from units where county_id = :county and id = :h_unit_id \\gset u_
insert into ticket_counters (county_id, year, last_value) values (:county, :year, 1) on conflict (county_id, year) do update set last_value = ticket_counters.last_value + 1 returning last_value \\gset
select * from household_links where county_id = :county and household_id = :h_id and valid_to is null;
insert into tickets (id, county_id, number, unit_id, unit_path, household_id, cadre_id, category, priority, description, source, mode, state, snapshot, machine_version, level, warned, overdue, clock, entered_at, due_at, warn_at, due_uncovered, lead_unit_id, co_unit_ids, reopen_count, version, created_by, created_at, updated_at, closed_at) values (gen_random_uuid(), :county, concat(:year::int, '-', lpad(:last_value::text, 6, '0')), :u_id, :u_path, :h_id, nullif(:cadre, '-')::uuid, :category, 'normal', :description, 'visit', null, 'registered', :snapshot, 1, 'village', false, false, 1, now(), :due_at, :warn_at, false, null, '{}', 0, 1, :staff, now(), now(), null) returning * \\gset t_
insert into ticket_events (county_id, ticket_id, version, type, actor_kind, actor_id, actor_name, payload, from_state, to_state, level, created_at) values (:county, :t_id, 1, 'REGISTER', 'staff', :staff, :actor_name, :payload, null, 'registered', 'village', now());
insert into outbox (county_id, ticket_id, topic, job_id, payload, run_at) values (:county, :t_id, 'deadline', concat(translate(encode(uuid_send(:t_id::uuid), 'base64'), '+/=', '-_'), '.1.v.w'), jsonb_build_object('countyId', :county::text, 'dueAt', (extract(epoch from :warn_at::timestamptz) * 1000)::bigint), :warn_at), (:county, :t_id, 'deadline', concat(translate(encode(uuid_send(:t_id::uuid), 'base64'), '+/=', '-_'), '.1.v.p'), jsonb_build_object('countyId', :county::text, 'dueAt', (extract(epoch from :due_at::timestamptz) * 1000)::bigint), :due_at);
END;
`;

await runBench('bench:register', async () => {
  const { url, db, county, serverVersion } = await createBenchDatabase();
  const api = await startApiChild(url);
  const authorization = await login(api, 'cadre');
  const household = county.households[0];
  if (!household) throw new Error('the demo county has no household');
  const body = { householdId: household, category: '水利', description: '村东头灌溉水渠漏水，用水流失严重，请求尽快修补。' };

  await request(api, authorization, '/v1/tickets', body, 201);
  const countTickets = async () =>
    Number((await db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  await settle(db);
  const before = await countTickets();
  const apiFigures = await driveApi(api, '/v1/tickets', {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  console.log(`API run wrote ${(await countTickets()) - before} tickets (warm-up included)`);

  // The baseline writes what the service wrote: its snapshot, deadlines, payload and actor name, read back.
  const { rows } = await sql<{ id: string; cadre_id: string | null; snapshot: string; due_at: string; warn_at: string; payload: string; actor_name: string; year: number }>`
    select t.id, t.cadre_id, t.snapshot::text as snapshot, t.due_at::text as due_at, t.warn_at::text as warn_at, e.payload::text as payload,
           e.actor_name, split_part(t.number, '-', 1)::int as year
    from tickets t join ticket_events e on e.ticket_id = t.id and e.version = 1
    order by t.id desc limit 1`.execute(db);
  const sample = rows[0];
  if (!sample) throw new Error('the API run registered no ticket');
  await settle(db);
  const baseline = await runPgbench(url, SCRIPT, {
    county: county.countyId,
    household,
    staff: county.staff.cadre ?? '',
    session: await sessionOf(db, county.staff.cadre ?? ''),
    cadre: sample.cadre_id ?? '-',
    year: sample.year,
    category: body.category,
    description: body.description,
    snapshot: sample.snapshot,
    payload: sample.payload,
    actor_name: sample.actor_name,
    due_at: sample.due_at,
    warn_at: sample.warn_at,
  });
  // The service makes UUIDv7 ids, the baseline gen_random_uuid() (v4): the version digit tells them apart.
  const { rows: written } = await sql<{ id: string }>`select id from tickets where substr(id::text, 15, 1) = '4' limit 1`.execute(db);
  await checkBaseline(db, sample.id, written[0]?.id ?? '');
  console.log(`\nPostgreSQL ${serverVersion}`);
  printReport('bench:register — POST /v1/tickets vs pgbench on the same SQL', apiFigures, baseline);
});
