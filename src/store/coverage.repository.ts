// Coverage (入户率) in SQL: one pass over the households under a unit path, rolled up per cadre, village and town.
import { sql } from 'kysely';
import type { Executor } from './db.js';

export interface CoverageCounts {
  resident_total: number;
  resident_visited: number;
  migrant_total: number;
  migrant_contacted: number;
  key_total: number;
  key_visited: number;
  never_reached: number;
  unconfirmed_visits: number;
}

export interface CoverageScope {
  countyId: string;
  /** ltree path of the unit reported on: households under it. */
  path: string;
  from: Date;
  to: Date;
}

type Level = 'cadre' | 'village' | 'town';
type RollupRow = CoverageCounts & { level: Level; id: string; name: string; ord: number };

const FIELDS = ['resident_total', 'resident_visited', 'migrant_total', 'migrant_contacted', 'key_total', 'key_visited', 'never_reached', 'unconfirmed_visits'] as const;

// Per household row `x`: `confirmed` (any cadre) / `own_confirmed` (the linked cadre) say whether it had a
// confirmed visit in the period; `unconfirmed` / `own_unconfirmed` count its unconfirmed ones (0: none).
const counts = (prefix: 'a' | 'o') => {
  const c = prefix === 'o' ? sql`x.own_confirmed` : sql`x.confirmed`;
  const u = prefix === 'o' ? sql`x.own_unconfirmed` : sql`x.unconfirmed`;
  const as = (name: string) => sql.ref(`${prefix}_${name}`);
  return sql`
    count(*) filter (where x.kind = 'resident') as ${as('resident_total')},
    count(*) filter (where x.kind = 'resident' and ${c}) as ${as('resident_visited')},
    count(*) filter (where x.kind = 'migrant') as ${as('migrant_total')},
    count(*) filter (where x.kind = 'migrant' and ${c}) as ${as('migrant_contacted')},
    count(*) filter (where x.key) as ${as('key_total')},
    count(*) filter (where x.key and ${c}) as ${as('key_visited')},
    count(*) filter (where not ${c} and ${u} = 0) as ${as('never_reached')},
    sum(${u}) as ${as('unconfirmed_visits')}`;
};
const sums = (t: string, prefix: 'a' | 'o') => sql.join(FIELDS.map((f) => sql`sum(${sql.ref(`${t}.${prefix}_${f}`)})::int as ${sql.ref(f)}`));
const columns = (t: string) => sql.join(FIELDS.map((f) => sql.ref(`${t}.${f}`)));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LTREE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

/**
 * The scope written into the statement as checked literals, not sent as parameters: a statement with
 * parameters may be prepared once and then run on a generic plan (src/store/prepared-pool.ts; pgbench
 * -M prepared showed it about 20 % slower here), while a report should be planned for its own scope, a
 * village or the whole county. Planning is a millisecond against a report of about a hundred.
 */
function literals(s: CoverageScope) {
  if (!UUID.test(s.countyId) || !LTREE.test(s.path) || Number.isNaN(s.from.getTime()) || Number.isNaN(s.to.getTime())) {
    throw new Error('coverage scope: a county id, an ltree path and two dates');
  }
  return {
    countyId: sql`${sql.lit(s.countyId)}::uuid`,
    path: sql.lit(s.path),
    from: sql`${sql.lit(s.from.toISOString())}::timestamptz`,
    to: sql`${sql.lit(s.to.toISOString())}::timestamptz`,
  };
}

/**
 * The whole report in one statement (it was three, each reading every household). Each household of
 * the scope is one row `x` with its kind, key tags, the cadre linked to it at the end of the period and
 * its visit flags, which come from hash lookups in the period's confirmed visits (index-only scans)
 * rather than from grouping the visits per household, which spilled to disk at county scale; the rows
 * are counted once per (unit, cadre) and those few thousand sums are rolled up per cadre, village and
 * town (EXPLAIN figures: docs/PERFORMANCE.md, issue 5).
 * Cadre rows count the households linked to the cadre and the cadre's own visits to them; village
 * and town rows count every household located there, visited by any cadre.
 */
async function rollup(ex: Executor, scope: CoverageScope): Promise<RollupRow[]> {
  const s = literals(scope);
  // With no link opened or closed and no confirmed visit made since the period ended, the household row
  // says it all (its cadre, its latest confirmed visits, kept by triggers): no join of the county's links,
  // no grouping of the period's visits. That is the period still running, the report everyone opens;
  // a past period is read from the link history and the visits themselves.
  const { rows: changed } = await sql<{ since: boolean }>`
    select exists (select 1 from household_links where county_id = ${s.countyId} and valid_from >= ${s.to})
        or exists (select 1 from household_links where county_id = ${s.countyId} and valid_to >= ${s.to})
        or exists (select 1 from visits where county_id = ${s.countyId} and visited_at >= ${s.to} and confirmed) as since`.execute(ex);
  const current = changed[0]?.since === false;
  const inScope = sql`h.county_id = ${s.countyId} and h.unit_id in (select id from units where county_id = ${s.countyId} and path <@ ${s.path}::ltree)`;
  const confirmedVisits = sql`select household_id, cadre_id from visits
    where county_id = ${s.countyId} and visited_at >= ${s.from} and visited_at < ${s.to} and confirmed`;
  // One row per household of the scope: its unit, its cadre at the period's end, kind, key tags, and
  // whether it had a confirmed visit in the period, by anyone and by that cadre, and its unconfirmed ones.
  const households = current
    ? sql`
        select h.id, h.unit_id, h.cadre_id, h.kind, cardinality(h.key_tags) > 0 as key,
               coalesce(h.confirmed_at >= ${s.from}, false) as confirmed, coalesce(h.own_confirmed_at >= ${s.from}, false) as own_confirmed,
               coalesce(u.n, 0) as unconfirmed, coalesce(cardinality(array_positions(u.cadres, h.cadre_id)), 0) as own_unconfirmed
        from households h left join unconfirmed u on u.household_id = h.id
        where ${inScope}`
    : sql`
        -- a confirmed visit by the linked cadre settles it; only the other households are looked up among everyone's visits
        select i.*, i.own_confirmed or i.id in (select household_id from (${confirmedVisits}) v) as confirmed
        from (
          select h.id, h.unit_id, l.cadre_id, h.kind, cardinality(h.key_tags) > 0 as key,
                 coalesce((h.id, l.cadre_id) in (${confirmedVisits}), false) as own_confirmed,
                 coalesce(u.n, 0) as unconfirmed, coalesce(cardinality(array_positions(u.cadres, l.cadre_id)), 0) as own_unconfirmed
          from households h
          left join household_links l on l.household_id = h.id and l.county_id = ${s.countyId}
            and l.valid_from < ${s.to} and (l.valid_to is null or l.valid_to >= ${s.to})
          left join unconfirmed u on u.household_id = h.id
          where ${inScope}
          -- each flag one expression: pulled up into the query above, every use would build its own hash of the visits
          offset 0
        ) i
        offset 0`;
  const res = await sql<RollupRow>`
    with unconfirmed as (
      -- per household: how many unconfirmed visits, and by whom (one entry per visit)
      select household_id, count(*)::int as n, array_agg(cadre_id) as cadres from visits
      where county_id = ${s.countyId} and visited_at >= ${s.from} and visited_at < ${s.to} and not confirmed
      group by household_id
    ), g as materialized (
      select x.unit_id, x.cadre_id, ${counts('a')}, ${counts('o')}
      from (${households}
      ) x
      group by x.unit_id, x.cadre_id
    ), cadres as (
      select g.cadre_id, ${sums('g', 'o')} from g where g.cadre_id is not null group by g.cadre_id
    ), areas as (
      select case when grouping(a.village) = 0 then 'village' else 'town' end as level, coalesce(a.village, a.town) as path, ${sums('a', 'a')}
      from (select g.*, case when nlevel(u.path) >= 2 then subpath(u.path, 0, 2) end as town,
                   case when nlevel(u.path) >= 3 then subpath(u.path, 0, 3) end as village
            from g join units u on u.id = g.unit_id) a
      group by grouping sets ((a.town), (a.village))
    )
    select 'cadre' as level, c.cadre_id as id, st.display_name as name, row_number() over (order by st.display_name, c.cadre_id)::int as ord, ${columns('c')}
    from cadres c join staff st on st.id = c.cadre_id
    union all
    select a.level, u.id, u.name, row_number() over (partition by a.level order by a.path)::int, ${columns('a')}
    from areas a join units u on u.county_id = ${s.countyId} and u.path = a.path`.execute(ex);
  return res.rows;
}

// One report asks for cadres, villages and towns at once (coverage.service runs the three together):
// calls for the same scope on the same executor while one is in flight share its single statement.
const inFlight = new WeakMap<Executor, Map<string, Promise<RollupRow[]>>>();
function sharedRollup(ex: Executor, s: CoverageScope): Promise<RollupRow[]> {
  let byScope = inFlight.get(ex);
  if (!byScope) inFlight.set(ex, (byScope = new Map()));
  const key = `${s.countyId}|${s.path}|${s.from.toISOString()}|${s.to.toISOString()}`;
  let pending = byScope.get(key);
  if (!pending) {
    const scopes = byScope;
    pending = rollup(ex, s).finally(() => scopes.delete(key));
    scopes.set(key, pending);
  }
  return pending;
}

const countsOf = (r: RollupRow): CoverageCounts => ({
  resident_total: r.resident_total,
  resident_visited: r.resident_visited,
  migrant_total: r.migrant_total,
  migrant_contacted: r.migrant_contacted,
  key_total: r.key_total,
  key_visited: r.key_visited,
  never_reached: r.never_reached,
  unconfirmed_visits: r.unconfirmed_visits,
});

/**
 * Per cadre: the households linked to them at the end of the period, and their own visits to them.
 */
export async function coverageByCadre(ex: Executor, s: CoverageScope): Promise<Array<CoverageCounts & { cadre_id: string; name: string }>> {
  const rows = (await sharedRollup(ex, s)).filter((r) => r.level === 'cadre');
  return rows.sort((a, b) => a.ord - b.ord).map((r) => ({ cadre_id: r.id, name: r.name, ...countsOf(r) }));
}

/**
 * Per area at a depth of the unit tree (2: towns, 3: villages): every household located there, visited by any cadre.
 */
export async function coverageByArea(
  ex: Executor,
  s: CoverageScope,
  depth: 2 | 3,
): Promise<Array<CoverageCounts & { unit_id: string; name: string }>> {
  const level: Level = depth === 2 ? 'town' : 'village';
  const rows = (await sharedRollup(ex, s)).filter((r) => r.level === level);
  return rows.sort((a, b) => a.ord - b.ord).map((r) => ({ unit_id: r.id, name: r.name, ...countsOf(r) }));
}
