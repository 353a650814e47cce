// Jurisdiction as SQL: the caller's grants (from access.service) become one WHERE clause, so lists filter in the database.
import { sql, type Expression, type SqlBool } from 'kysely';

/** Which tickets a caller sees: everything in the county, a unit subtree, what they created, a department's cases. */
export type TicketGrant =
  | { kind: 'county' }
  | { kind: 'subtree'; path: string }
  | { kind: 'creator'; staffId: string }
  | { kind: 'department'; unitId: string }
  /** A cadre: tickets of households linked to them; a ticket with no linked cadre, by their group. */
  | { kind: 'cadre'; staffId: string; path: string };

/** Which places (units and the households in them) a caller may read and register tickets at. */
export type PlaceGrant = { kind: 'county' } | { kind: 'subtree'; path: string };

const FALSE = sql<SqlBool>`false`;

function anyOf(parts: Expression<SqlBool>[]): Expression<SqlBool> {
  if (parts.length === 0) return FALSE;
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** For `tickets`: index-backed by the GiST path index, (county_id, created_by), lead unit and the GIN on co_unit_ids. */
export function ticketScopeSql(countyId: string, grants: TicketGrant[], alias = 'tickets'): Expression<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const parts = grants.map((g): Expression<SqlBool> => {
    switch (g.kind) {
      case 'county':
        return sql<SqlBool>`true`;
      case 'subtree':
        return sql<SqlBool>`${col('unit_path')} <@ ${g.path}::ltree`;
      case 'creator':
        return sql<SqlBool>`${col('created_by')} = ${g.staffId}`;
      case 'department':
        return sql<SqlBool>`(${col('lead_unit_id')} = ${g.unitId} or ${col('co_unit_ids')} @> array[${g.unitId}]::uuid[])`;
      case 'cadre':
        return sql<SqlBool>`(${col('cadre_id')} = ${g.staffId} or (${col('cadre_id')} is null and ${col('unit_path')} <@ ${g.path}::ltree))`;
    }
  });
  return sql<SqlBool>`(${col('county_id')} = ${countyId} and ${anyOf(parts)})`;
}

/** For `units` (by their path): the places a caller may read. */
export function placeScopeSql(countyId: string, grants: PlaceGrant[], alias = 'units'): Expression<SqlBool> {
  const parts = grants.map((g): Expression<SqlBool> =>
    g.kind === 'county' ? sql<SqlBool>`true` : sql<SqlBool>`${sql.ref(`${alias}.path`)} <@ ${g.path}::ltree`,
  );
  return sql<SqlBool>`(${sql.ref(`${alias}.county_id`)} = ${countyId} and ${anyOf(parts)})`;
}
