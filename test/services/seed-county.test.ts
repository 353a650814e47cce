// The synthetic county seed at small scale: linkage shape, tickets the engine and the API accept, coverage totals, repeatability.
import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp, createTestDatabase } from '../helper.js';
import { cadresPerVillage, FULL_COUNTY, monthStarts, seedCounty, type CountyScale } from '../../src/services/seed-county.service.js';
import { restoreTicket, stateName, type StoredSnapshot } from '../../src/engine/ticket.lifecycle.js';
import type { Db } from '../../src/store/db.js';

// 2 towns × 2 villages × 4 groups × 40 households: 160 a village, split between 2 cadres of 80.
const SMALL: CountyScale = { towns: 2, villagesPerTown: 2, groupsPerVillage: 4, householdsPerGroup: 40, months: 12 };
const HOUSEHOLDS = 2 * 2 * 4 * 40;
const PREFIX = 'sc';

const seed = (db: Db, now: Date) => db.transaction().execute((trx) => seedCounty(trx, { scale: SMALL, seed: 7, prefix: PREFIX, now }));

t.test('the 60-100 households rule, at full scale and at the test scale', async (t) => {
  const full = FULL_COUNTY.groupsPerVillage * FULL_COUNTY.householdsPerGroup;
  t.equal(FULL_COUNTY.towns * FULL_COUNTY.villagesPerTown * FULL_COUNTY.groupsPerVillage, 1400, 'DESIGN.md: 1,400 villager groups');
  t.equal(full * 200, 70_000, '70,000 households');
  t.equal(cadresPerVillage(full) * 200, 1000, 'about 1,000 cadres');
  t.equal(full / cadresPerVillage(full), 70, 'of 70 households each');
  t.equal(cadresPerVillage(SMALL.groupsPerVillage * SMALL.householdsPerGroup), 2);
  t.throws(() => cadresPerVillage(110), /cannot be split/, 'a village of 110 cannot be split into cadres of 60-100');
});

t.test('a small county: linkage, tickets and events, coverage and the API afterwards', async (t) => {
  const h = await buildTestApp(t.teardown);
  const county = await seed(h.db, h.clock.now());
  t.match(county.counts, { households: HOUSEHOLDS, cadres: 8, towns: 2, villages: 4, groups: 16 });
  t.ok(county.counts.migrants > 0 && county.counts.migrants < HOUSEHOLDS / 2, `some migrant households (${county.counts.migrants})`);
  t.ok(county.counts.keyHouseholds > 0, 'some key households');
  t.ok(county.counts.visits > HOUSEHOLDS * 10, `about monthly visits (${county.counts.visits})`);
  t.ok(county.counts.openTickets > 0 && county.counts.openTickets < county.counts.tickets / 4, 'mostly closed tickets');

  const q = async <R>(query: ReturnType<typeof sql<R>>) => (await query.execute(h.db)).rows;
  const c = county.countyId;

  await t.test('every household has exactly one active link; each cadre 60-100; re-links keep history', async (t) => {
    const [links] = await q(sql<{ households: number; active: number; linked: number; relinked: number }>`
      select (select count(*)::int from households where county_id = ${c}) as households,
             count(*) filter (where valid_to is null)::int as active,
             count(distinct household_id) filter (where valid_to is null)::int as linked,
             (count(*) - count(distinct household_id))::int as relinked
      from household_links where county_id = ${c}`);
    t.same(links && { ...links, relinked: links.relinked > 0 }, { households: HOUSEHOLDS, active: HOUSEHOLDS, linked: HOUSEHOLDS, relinked: true });
    const sizes = await q(sql<{ n: number }>`
      select count(*)::int as n from household_links where county_id = ${c} and valid_to is null group by cadre_id`);
    t.equal(sizes.length, 8);
    t.ok(sizes.every((s) => s.n >= 60 && s.n <= 100), `linked households per cadre: ${sizes.map((s) => s.n).join(', ')}`);
    const gaps = await q(sql`
      select 1 from household_links old join household_links cur on cur.household_id = old.household_id and cur.valid_to is null
      where old.county_id = ${c} and old.valid_to is not null and (old.valid_to <> cur.valid_from or old.cadre_id = cur.cadre_id)`);
    t.same(gaps, [], 'a re-link closes the old link when the new one starts, to another cadre');
    const strangers = await q(sql`
      select 1 from visits v where v.county_id = ${c} and not exists (
        select 1 from household_links l where l.household_id = v.household_id and l.cadre_id = v.cadre_id
          and l.valid_from <= v.visited_at and (l.valid_to is null or v.visited_at < l.valid_to))`);
    t.same(strangers, [], 'every visit is by the cadre linked at the time');
  });

  await t.test('tickets: machine snapshots, numbers, events consistent with the state', async (t) => {
    const tickets = await h.db.selectFrom('tickets').selectAll().where('county_id', '=', c).execute();
    t.equal(tickets.length, county.counts.tickets);
    t.ok(tickets.every((x) => stateName(restoreTicket(x.snapshot as StoredSnapshot)) === x.state), 'every snapshot resolves to its state');
    t.equal(new Set(tickets.map((x) => x.number)).size, tickets.length, 'numbers unique');
    t.ok(tickets.every((x) => (x.closed_at === null) === !['closed', 'withdrawn', 'rejected', 'merged'].includes(x.state)), 'closed_at iff final');
    const broken = await q(sql<{ id: string }>`
      with e as (
        select e.*, lag(e.to_state) over w as prev_to, row_number() over w as n, count(*) over (partition by e.ticket_id) as total,
               lag(e.created_at) over w as prev_at
        from ticket_events e where e.county_id = ${c} window w as (partition by e.ticket_id order by e.version))
      select t.id from tickets t join e on e.ticket_id = t.id
      where t.county_id = ${c} and (
        e.version <> e.n or e.total <> t.version
        or (e.version = 1 and (e.type <> 'REGISTER' or e.from_state is not null))
        or (e.version > 1 and e.from_state is distinct from e.prev_to)
        or e.created_at < e.prev_at
        or (e.version = t.version and (e.to_state <> t.state or e.level <> t.level or e.created_at <> t.updated_at)))`);
    t.same(broken, [], 'versions 1..n, from = previous to, the last event lands on the ticket\'s state, level and time');
    const [counter] = await q(sql<{ last: number; max: number }>`
      select (select sum(last_value)::int from ticket_counters where county_id = ${c}) as last, count(*)::int as max from tickets where county_id = ${c}`);
    t.equal(counter?.last, counter?.max, 'the counters continue after the seeded numbers');
    t.ok(tickets.some((x) => x.overdue && x.level !== 'village'), 'some escalated overdue tickets');
  });

  await t.test('a seeded open ticket moves on through the API', async (t) => {
    const login = async (username: string, password: string) => {
      const res = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
      t.equal(res.statusCode, 200, `${username} logs in`);
      return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
    };
    const open = await h.db.selectFrom('tickets').innerJoin('staff', 'staff.id', 'tickets.created_by')
      .select(['tickets.id', 'tickets.version', 'tickets.state', 'staff.username'])
      .where('tickets.county_id', '=', c).where('tickets.state', 'in', ['onSite', 'proxy']).orderBy('tickets.id').executeTakeFirst();
    if (!open) throw new Error('the seed made no open onSite or proxy ticket');
    const cadre = await login(open.username, 'demo-cadre');
    const res = await h.app.inject({
      method: 'POST', url: `/v1/tickets/${open.id}/events`, headers: cadre,
      payload: { type: 'RESOLVE', summary: '已办结', expectedVersion: open.version },
    });
    t.equal(res.statusCode, 200, 'RESOLVE accepted');
    const view = await h.app.inject({ method: 'GET', url: `/v1/tickets/${open.id}`, headers: cadre });
    t.match(view.json(), { state: 'awaitingFeedback', version: open.version + 1 });
    const events = await h.db.selectFrom('ticket_events').select(['version', 'type', 'from_state']).where('ticket_id', '=', open.id).orderBy('version').execute();
    t.same(events.at(-1), { version: open.version + 1, type: 'RESOLVE', from_state: open.state });

    const escalated = await h.db.selectFrom('tickets').select(['id', 'version']).where('county_id', '=', c).where('overdue', '=', true)
      .where('closed_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    const supervisor = await login(`${PREFIX}-county-supervisor`, 'demo-county-supervisor');
    const supervise = await h.app.inject({
      method: 'POST', url: `/v1/tickets/${escalated.id}/events`, headers: supervisor,
      payload: { type: 'SUPERVISE', note: '请尽快办结', expectedVersion: escalated.version },
    });
    t.equal(supervise.statusCode, 200, 'SUPERVISE accepted on an escalated ticket');
  });

  await t.test('the coverage report of the seeded county counts every household', async (t) => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: `${PREFIX}-county-supervisor`, password: 'demo-county-supervisor' } });
    const [from, to] = monthStarts(h.clock.now(), 2) as [Date, Date];
    const report = await h.app.inject({
      method: 'GET', url: `/v1/coverage?unitId=${c}&from=${from.toISOString()}&to=${to.toISOString()}`,
      headers: { authorization: `Bearer ${(res.json() as { token: string }).token}` },
    });
    t.equal(report.statusCode, 200, 'the county supervisor reads the report');
    type Row = { residentTotal: number; migrantTotal: number; residentVisited: number; neverReached: number };
    const r = report.json() as { cadres: Row[]; villages: Row[]; towns: Row[] };
    const total = (rows: Row[]) => rows.reduce((n, x) => n + x.residentTotal + x.migrantTotal, 0);
    t.equal(r.towns.length, 2);
    t.equal(r.villages.length, 4);
    t.equal(r.cadres.length, 8);
    t.equal(total(r.towns), HOUSEHOLDS, 'towns add up to every household');
    t.equal(total(r.villages), HOUSEHOLDS);
    t.equal(total(r.cadres), HOUSEHOLDS, 'and so do the cadres: one active link each');
    const visited = r.towns.reduce((n, x) => n + x.residentVisited, 0);
    const residents = r.towns.reduce((n, x) => n + x.residentTotal, 0);
    t.ok(visited > residents * 0.8 && visited < residents, `most residents visited and confirmed last month (${visited} of ${residents})`);
  });

  await t.test('a second run into the same database is refused', async (t) => {
    await t.rejects(seed(h.db, h.clock.now()), /already exist/);
  });
});

t.test('the same seed and day give the same county', async (t) => {
  const now = new Date('2026-11-23T02:00:00Z');
  const digest = async (db: Db) =>
    (await sql<{ d: string }>`select md5(string_agg(id::text || confirmed::text || cadre_id::text, ',' order by id)) ||
      (select md5(string_agg(number || state || created_at::text, ',' order by number)) from tickets) as d from visits`.execute(db)).rows[0]?.d;
  const a = await createTestDatabase(t.teardown);
  const b = await createTestDatabase(t.teardown);
  await seed(a.db, now);
  await seed(b.db, now);
  t.equal(await digest(a.db), await digest(b.db));
});
