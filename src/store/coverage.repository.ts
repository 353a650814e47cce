// Coverage (入户率) in SQL: one query per level (cadre, village, town), over households under a unit path.
import { sql, type RawBuilder } from 'kysely';
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

// `v.confirmed` is null when the household had no visit in the period, false when only unconfirmed ones.
const COUNTS = sql`
  count(*) filter (where h.kind = 'resident')::int as resident_total,
  count(*) filter (where h.kind = 'resident' and v.confirmed)::int as resident_visited,
  count(*) filter (where h.kind = 'migrant')::int as migrant_total,
  count(*) filter (where h.kind = 'migrant' and v.confirmed)::int as migrant_contacted,
  count(*) filter (where cardinality(h.key_tags) > 0)::int as key_total,
  count(*) filter (where cardinality(h.key_tags) > 0 and v.confirmed)::int as key_visited,
  count(*) filter (where v.confirmed is null)::int as never_reached,
  coalesce(sum(v.unconfirmed), 0)::int as unconfirmed_visits`;

/** Visits of the period per household (and cadre, when `byCadre`), from the (county_id, visited_at, household_id) index. */
const visitsInPeriod = (s: CoverageScope, byCadre: boolean): RawBuilder<unknown> => sql`(
  select household_id, ${byCadre ? sql`cadre_id` : sql`null::uuid as cadre_id`},
         bool_or(confirmed) as confirmed, count(*) filter (where not confirmed) as unconfirmed
  from visits
  where county_id = ${s.countyId} and visited_at >= ${s.from} and visited_at < ${s.to}
  group by household_id${byCadre ? sql`, cadre_id` : sql``})`;

/**
 * Per cadre: the households linked to them at the end of the period, and their own visits to them.
 */
export async function coverageByCadre(ex: Executor, s: CoverageScope): Promise<Array<CoverageCounts & { cadre_id: string; name: string }>> {
  const res = await sql<CoverageCounts & { cadre_id: string; name: string }>`
    select l.cadre_id, st.display_name as name, ${COUNTS}
    from household_links l
    join households h on h.id = l.household_id
    join units u on u.id = h.unit_id
    join staff st on st.id = l.cadre_id
    left join ${visitsInPeriod(s, true)} v on v.household_id = l.household_id and v.cadre_id = l.cadre_id
    where l.county_id = ${s.countyId} and l.valid_from < ${s.to} and (l.valid_to is null or l.valid_to >= ${s.to})
      and u.path <@ ${s.path}::ltree
    group by l.cadre_id, st.display_name
    order by st.display_name, l.cadre_id`.execute(ex);
  return res.rows;
}

/**
 * Per area at a depth of the unit tree (2: towns, 3: villages): every household located there, visited by any cadre.
 */
export async function coverageByArea(
  ex: Executor,
  s: CoverageScope,
  depth: 2 | 3,
): Promise<Array<CoverageCounts & { unit_id: string; name: string }>> {
  const res = await sql<CoverageCounts & { unit_id: string; name: string }>`
    select a.id as unit_id, a.name, ${COUNTS}
    from households h
    join units u on u.id = h.unit_id
    join units a on a.county_id = h.county_id and a.path = subpath(u.path, 0, ${depth})
    left join ${visitsInPeriod(s, false)} v on v.household_id = h.id
    where h.county_id = ${s.countyId} and u.path <@ ${s.path}::ltree and nlevel(u.path) >= ${depth}
    group by a.id, a.name, a.path
    order by a.path`.execute(ex);
  return res.rows;
}
