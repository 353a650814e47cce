// CSV import's reads and batched writes: units, staff, households and their links, many rows per statement (unnest).
import { sql, type Insertable } from 'kysely';
import type { Executor } from './db.js';
import type { Ticket, UnitsTable } from './database.js';
import type { HouseholdKind, KeyTag } from './linkage.tables.js';

// Rows per statement: unnest takes one array parameter per column, so this bounds memory, not parameters.
const CHUNK = 5000;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Imports into one county run one after another: each sees what the previous one wrote. */
export async function lockCountyImports(ex: Executor, countyId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`import:${countyId}`}, 0))`.execute(ex);
}

export async function listCounties(ex: Executor): Promise<Array<{ id: string; code: string; name: string }>> {
  return ex.selectFrom('units').select(['id', 'code', 'name']).where('kind', '=', 'county').orderBy('created_at').execute();
}

export async function insertUnits(ex: Executor, rows: Insertable<UnitsTable>[]): Promise<void> {
  // Multi-row VALUES: 7 parameters a row stays far below PostgreSQL's 65,535 per statement.
  for (const part of chunks(rows, 1000)) await ex.insertInto('units').values(part).execute();
}

export async function renameUnits(ex: Executor, rows: Array<{ id: string; name: string }>): Promise<void> {
  for (const part of chunks(rows)) {
    await sql`update units u set name = v.name
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.name)}::text[]) as v(id, name)
      where u.id = v.id`.execute(ex);
  }
}

export interface StaffSnapshot {
  id: string;
  county_id: string;
  username: string;
  display_name: string;
  unit_id: string;
  roles: string[];
  active: boolean;
  has_password: boolean;
}

/** Accounts by username in any county (usernames are unique across the database). */
export async function findStaffByUsernames(ex: Executor, usernames: string[]): Promise<StaffSnapshot[]> {
  if (usernames.length === 0) return [];
  return ex
    .selectFrom('staff')
    .select(['id', 'county_id', 'username', 'display_name', 'unit_id', 'roles', 'active'])
    // '!' is the hash no password ever matches (seed.service, imported accounts without a password).
    .select(sql<boolean>`password_hash <> '!'`.as('has_password'))
    .where('username', '=', sql<string>`any(${usernames}::text[])`)
    .execute();
}

export interface NewStaffRow {
  id: string;
  unit_id: string;
  username: string;
  display_name: string;
  roles: string[];
  password_hash: string;
  active: boolean;
}

export async function insertStaffRows(ex: Executor, countyId: string, rows: NewStaffRow[]): Promise<void> {
  for (const part of chunks(rows)) {
    // Roles travel as one '|'-joined string per row: unnest would flatten a two-dimensional array.
    await sql`insert into staff (id, county_id, unit_id, username, display_name, roles, password_hash, active)
      select v.id, ${countyId}::uuid, v.unit_id, v.username, v.display_name, string_to_array(v.roles, '|'), v.password_hash, v.active
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.unit_id)}::uuid[], ${part.map((r) => r.username)}::text[],
        ${part.map((r) => r.display_name)}::text[], ${part.map((r) => r.roles.join('|'))}::text[],
        ${part.map((r) => r.password_hash)}::text[], ${part.map((r) => r.active)}::boolean[])
        as v(id, unit_id, username, display_name, roles, password_hash, active)`.execute(ex);
  }
}

/** `password_hash` null keeps the current one. `active` is the admin's to change, never the file's. */
export async function updateStaffRows(
  ex: Executor,
  rows: Array<{ id: string; unit_id: string; display_name: string; roles: string[]; password_hash: string | null }>,
): Promise<void> {
  for (const part of chunks(rows)) {
    await sql`update staff s set unit_id = v.unit_id, display_name = v.display_name, roles = string_to_array(v.roles, '|'),
        password_hash = coalesce(v.password_hash, s.password_hash)
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.unit_id)}::uuid[], ${part.map((r) => r.display_name)}::text[],
        ${part.map((r) => r.roles.join('|'))}::text[], ${part.map((r) => r.password_hash)}::text[])
        as v(id, unit_id, display_name, roles, password_hash)
      where s.id = v.id`.execute(ex);
  }
}

/** The cadres of a county (active or not), with their unit: who a household may be linked to. */
export async function listCountyStaff(ex: Executor, countyId: string): Promise<Array<{ id: string; username: string; unit_id: string; roles: string[]; active: boolean }>> {
  return ex.selectFrom('staff').select(['id', 'username', 'unit_id', 'roles', 'active']).where('county_id', '=', countyId).execute();
}

export interface HouseholdImportRow {
  id: string;
  unit_id: string;
  code: string;
  head_name: string;
  phone: string | null;
  address: string | null;
  kind: HouseholdKind;
  key_tags: KeyTag[];
  id_number: string | null;
}

/** Households of the county that carry an import code, as the file would describe them. */
export async function listCodedHouseholds(ex: Executor, countyId: string): Promise<HouseholdImportRow[]> {
  return ex
    .selectFrom('households')
    .select(['id', 'unit_id', 'head_name', 'phone', 'address', 'kind', 'key_tags', 'id_number'])
    .select(sql<string>`code`.as('code'))
    .where('county_id', '=', countyId)
    .where('code', 'is not', null)
    .execute();
}

/** Columns a re-import may overwrite; those missing from the file's header are left as they are. */
export type HouseholdColumn = 'unit_id' | 'head_name' | 'phone' | 'address' | 'kind' | 'key_tags' | 'id_number';

const SET_SQL: Record<HouseholdColumn, string> = {
  unit_id: 'unit_id = excluded.unit_id',
  head_name: 'head_name = excluded.head_name',
  phone: 'phone = excluded.phone',
  address: 'address = excluded.address',
  kind: 'kind = excluded.kind',
  key_tags: 'key_tags = excluded.key_tags',
  id_number: 'id_number = excluded.id_number',
};

/** Inserts or updates by (county, code); returns the id of every row written under its code. */
export async function upsertHouseholds(
  ex: Executor,
  countyId: string,
  rows: HouseholdImportRow[],
  columns: HouseholdColumn[],
): Promise<Array<{ id: string; code: string }>> {
  const set = sql.raw(columns.map((c) => SET_SQL[c]).join(', '));
  const out: Array<{ id: string; code: string }> = [];
  for (const part of chunks(rows)) {
    const res = await sql<{ id: string; code: string }>`
      insert into households (id, county_id, unit_id, code, head_name, phone, address, kind, key_tags, id_number)
      select v.id, ${countyId}::uuid, v.unit_id, v.code, v.head_name, v.phone, v.address, v.kind, string_to_array(v.tags, ','), v.id_number
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.unit_id)}::uuid[], ${part.map((r) => r.code)}::text[],
        ${part.map((r) => r.head_name)}::text[], ${part.map((r) => r.phone)}::text[], ${part.map((r) => r.address)}::text[],
        ${part.map((r) => r.kind)}::text[], ${part.map((r) => r.key_tags.join(','))}::text[], ${part.map((r) => r.id_number)}::text[])
        as v(id, unit_id, code, head_name, phone, address, kind, tags, id_number)
      on conflict (county_id, code) do update set ${set}
      returning id, code`.execute(ex);
    out.push(...res.rows);
  }
  return out;
}

export async function listActiveLinks(ex: Executor, countyId: string): Promise<Array<{ id: string; household_id: string; cadre_id: string }>> {
  return ex
    .selectFrom('household_links')
    .select(['id', 'household_id', 'cadre_id'])
    .where('county_id', '=', countyId)
    .where('valid_to', 'is', null)
    .execute();
}

/**
 * Locks households in id order (NO KEY UPDATE, as `PUT /households/:id/link` locks its one household):
 * an import re-linking them waits for a link being changed there, or the change waits for it.
 */
export async function lockHouseholds(ex: Executor, countyId: string, ids: readonly string[]): Promise<void> {
  for (const part of chunks([...ids].sort())) {
    await ex.selectFrom('households').select('id').where('county_id', '=', countyId).where('id', '=', sql<string>`any(${part}::uuid[])`).orderBy('id').forNoKeyUpdate().execute();
  }
}

/** For the given staff: their active links, counted by the town (`county.town` path) of the households. */
export async function activeLinksByCadre(ex: Executor, countyId: string, staffIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (staffIds.length === 0) return out;
  const rows = await ex
    .selectFrom('household_links as l')
    .innerJoin('households as h', 'h.id', 'l.household_id')
    .innerJoin('units as u', 'u.id', 'h.unit_id')
    .select(['l.cadre_id', sql<string>`subpath(u.path, 0, 2)::text`.as('town'), sql<number>`count(*)::int`.as('n')])
    .where('l.county_id', '=', countyId)
    .where('l.valid_to', 'is', null)
    .where('l.cadre_id', '=', sql<string>`any(${[...staffIds]}::uuid[])`)
    .groupBy(['l.cadre_id', sql`subpath(u.path, 0, 2)`])
    .execute();
  for (const r of rows) out.set(r.cadre_id, (out.get(r.cadre_id) ?? new Map<string, number>()).set(r.town, r.n));
  return out;
}

export async function closeLinks(ex: Executor, ids: string[], at: Date): Promise<void> {
  for (const part of chunks(ids)) {
    await ex.updateTable('household_links').set({ valid_to: at }).where('id', '=', sql<string>`any(${part}::uuid[])`).execute();
  }
}

export async function insertLinks(
  ex: Executor,
  countyId: string,
  rows: Array<{ id: string; household_id: string; cadre_id: string }>,
  from: Date,
  linkedBy: string | null,
): Promise<void> {
  for (const part of chunks(rows)) {
    await sql`insert into household_links (id, county_id, household_id, cadre_id, valid_from, valid_to, linked_by)
      select v.id, ${countyId}::uuid, v.household_id, v.cadre_id, ${from}::timestamptz, null, ${linkedBy}::uuid
      from unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.household_id)}::uuid[], ${part.map((r) => r.cadre_id)}::uuid[])
        as v(id, household_id, cadre_id)`.execute(ex);
  }
}

/** Open tickets of these households, locked, oldest first: a re-link moves them to the new cadre. */
export async function lockOpenTicketsOfHouseholds(ex: Executor, countyId: string, householdIds: string[]): Promise<Ticket[]> {
  if (householdIds.length === 0) return [];
  return ex
    .selectFrom('tickets')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('household_id', '=', sql<string>`any(${householdIds}::uuid[])`)
    .where('closed_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
}
