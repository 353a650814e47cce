// CSV import of a county's units, staff and households: every row checked first, then one transaction, or nothing.
import { DEFAULT_POLICIES, ESCALATION_LIMITS } from '../engine/deadline.policy.js';
import { insertEscalationSteps, insertPolicies } from '../store/county-settings.repository.js';
import type { Unit, UnitKind } from '../store/database.js';
import { listUnits } from '../store/directory.repository.js';
import {
  activeLinksByCadre, findStaffByUsernames, insertStaffRows, insertUnits, lockCountyImports, renameUnits, updateStaffRows, type NewStaffRow,
} from '../store/import.repository.js';
import { pathLabel, uuidv7 } from '../store/uuidv7.js';
import { ROLES, type Role } from './access.service.js';
import type { Executor } from '../store/db.js';
import type { ServiceContext } from './context.js';
import { CsvSyntaxError, decodeUtf8, parseCsv } from './csv.parser.js';
import { DomainError } from './errors.js';
import { importHouseholds } from './import-households.service.js';
import {
  checkUnique, invalidCsv, mapHeader, password, roles, ROLE_UNIT_KINDS, RowReader, unitKind, username, type ImportKind, type RowError,
} from './import.columns.js';
import { hashPassword } from './password.service.js';

export { IMPORT_KINDS, type ImportKind } from './import.columns.js';

/** Who imports: the county admin (recorded on links and RELINK events) or the command line. */
export type ImportActor = { kind: 'staff'; staffId: string; name: string } | { kind: 'system'; name: string };

export interface ImportTarget {
  /** The county to import into; null only for a units file that creates the county (a new database). */
  countyId: string | null;
  actor: ImportActor;
}

export interface ImportSummary {
  kind: ImportKind;
  countyId: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Staff created without a password: they exist (and can be linked) but cannot log in until a re-import gives one. */
  withoutPassword?: number;
  linksCreated?: number;
  linksClosed?: number;
  ticketsMoved?: number;
}

/**
 * The hash no password matches. An account imported without a password is active (it appears on the
 * town's board and can be linked to households) but nobody can log in as it until a re-import sets one.
 */
export const NO_PASSWORD = '!';

/** `file`: the bytes as read from disk, or text already decoded from UTF-8 (the API's body parser does). */
export async function importCsv(ctx: ServiceContext, target: ImportTarget, kind: ImportKind, file: Uint8Array | string): Promise<ImportSummary> {
  const errors: RowError[] = [];
  let records;
  try {
    records = parseCsv(typeof file === 'string' ? file.replace(/^\uFEFF/, '') : decodeUtf8(file));
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw invalidCsv([{ line: err.line, column: null, message: err.message }]);
    throw err;
  }
  const [head, ...body] = records;
  if (!head) throw invalidCsv([{ line: 1, column: null, message: 'The file is empty: it needs a header row' }]);
  if (head.line !== 1) errors.push({ line: 1, column: null, message: 'The header must be the first line' });
  const header = mapHeader(kind, head.fields, errors);
  if (body.length === 0) errors.push({ line: 2, column: null, message: 'The file has a header but no rows' });
  if (errors.length > 0) throw invalidCsv(errors);
  const rows = body.map((r) => {
    // One more cell than the header is usually an unquoted comma in an address: refuse rather than shift columns.
    if (r.fields.length > head.fields.length) {
      errors.push({ line: r.line, column: null, message: `${r.fields.length} cells but the header has ${head.fields.length} (quote a value that holds a comma)` });
    }
    return new RowReader(header, r.fields, r.line, errors);
  });

  if (kind !== 'units' && target.countyId === null) throw new DomainError('unknown_unit', 'No county to import into: import its units first');
  switch (kind) {
    case 'units':
      return importUnits(ctx, target, rows, errors);
    case 'staff':
      return importStaff(ctx, target.countyId as string, rows, errors);
    case 'households':
      return importHouseholds(ctx, { countyId: target.countyId as string, actor: target.actor }, rows, errors);
  }
}

const PARENT_KIND: Record<UnitKind, UnitKind | null> = { county: null, town: 'county', department: 'county', village: 'town', group: 'village' };
const DEPTH: Record<UnitKind, number> = { county: 0, town: 1, department: 1, village: 2, group: 3 };

interface Known {
  id: string;
  kind: UnitKind;
  path: string;
}

async function importUnits(ctx: ServiceContext, target: ImportTarget, rows: RowReader[], errors: RowError[]): Promise<ImportSummary> {
  const parsed = rows.map((r) => ({
    r,
    code: r.required('code', 64),
    name: r.required('name', 100),
    kind: unitKind(r),
    parentCode: r.optional('parent_code', 64),
  }));
  checkUnique(parsed, (p) => p.code, (p) => p.r, 'code');
  const existing = target.countyId ? await listUnits(ctx.db, target.countyId) : [];
  const byCode = new Map<string, Unit>(existing.map((u) => [u.code, u]));
  const known = new Map<string, Known>(existing.map((u) => [u.code, { id: u.id, kind: u.kind, path: u.path }]));
  const county = existing.find((u) => u.kind === 'county');
  const countyRows = parsed.filter((p) => p.kind === 'county');
  for (const extra of countyRows.slice(1)) extra.r.fail('kind', 'Only one county row per file');
  let countyId = target.countyId;
  let countyCode = county?.code;
  const countyRow = countyRows[0];
  if (countyRow) {
    if (countyRow.parentCode) countyRow.r.fail('parent_code', 'A county has no parent');
    if (county && countyRow.code !== county.code) countyRow.r.fail('code', `This county's code is "${county.code}"`);
    if (!county && countyRow.code !== '') {
      countyId = uuidv7(ctx.now().getTime());
      countyCode = countyRow.code;
      known.set(countyRow.code, { id: countyId, kind: 'county', path: pathLabel(countyId) });
    }
  } else if (!county) {
    errors.push({ line: 1, column: 'kind', message: 'There is no county yet: the file needs one row of kind county' });
  }

  const inserts: Array<Known & { code: string; name: string; parent_id: string | null }> = [];
  const renames: Array<{ id: string; name: string }> = [];
  let unchanged = 0;
  const failed = new Set<string>();
  for (const p of [...parsed].sort((a, b) => (a.kind ? DEPTH[a.kind] : 9) - (b.kind ? DEPTH[b.kind] : 9))) {
    const mark = errors.length;
    const { r, code, name, kind } = p;
    if (!kind || code === '') continue;
    if (kind === 'county') {
      if (county && county.name !== name && code === county.code) renames.push({ id: county.id, name });
      else if (county) unchanged++;
      else if (countyId) inserts.push({ id: countyId, kind, path: pathLabel(countyId), code, name, parent_id: null });
      continue;
    }
    const parentKind = PARENT_KIND[kind] as UnitKind;
    // A town or department without a parent code belongs to the county.
    const parentCode = p.parentCode ?? (parentKind === 'county' ? countyCode : undefined);
    const parent = parentCode ? known.get(parentCode) : undefined;
    if (!parentCode) r.fail('parent_code', `Required: the code of the ${parentKind} this ${kind} belongs to`);
    else if (failed.has(parentCode)) r.fail('parent_code', `The row of "${parentCode}" has errors`);
    else if (!parent) r.fail('parent_code', `No unit "${parentCode}" in this file or the county`);
    else if (parent.kind !== parentKind) r.fail('parent_code', `A ${kind} belongs to a ${parentKind}, but "${parentCode}" is a ${parent.kind}`);
    const old = byCode.get(code);
    if (errors.length > mark || !parent) {
      failed.add(code);
      continue;
    }
    if (old) {
      if (old.kind !== kind) r.fail('kind', `"${code}" is already a ${old.kind}; import does not change a unit's kind`);
      else if (old.parent_id !== parent.id) r.fail('parent_code', `"${code}" is under another unit; import does not move units`);
      else if (old.name !== name) renames.push({ id: old.id, name });
      else unchanged++;
      if (errors.length > mark) failed.add(code);
      continue;
    }
    const id = uuidv7(ctx.now().getTime());
    const unit = { id, kind, path: `${parent.path}.${pathLabel(id)}` };
    known.set(code, unit);
    inserts.push({ ...unit, code, name, parent_id: parent.id });
  }
  if (errors.length > 0) throw invalidCsv(errors);
  const finalCountyId = countyId as string;

  await ctx.db.transaction().execute(async (trx) => {
    await lockCountyImports(trx, finalCountyId);
    await insertUnits(trx, inserts.map((u) => ({ id: u.id, county_id: finalCountyId, parent_id: u.parent_id, kind: u.kind, code: u.code, name: u.name, path: u.path })));
    await renameUnits(trx, renames);
    if (!county) {
      // A new county starts on DESIGN.md's time limits, as the demo county does.
      await insertPolicies(trx, finalCountyId, DEFAULT_POLICIES);
      await insertEscalationSteps(trx, finalCountyId, ESCALATION_LIMITS);
    }
  });
  return { kind: 'units', countyId: finalCountyId, rows: rows.length, created: inserts.length, updated: renames.length, unchanged };
}

const sortRoles = (list: readonly string[]): Role[] => ROLES.filter((r) => list.includes(r));
const sameRoles = (a: readonly string[], b: readonly string[]): boolean => sortRoles(a).join('|') === sortRoles(b).join('|');

/** argon2 is slow on purpose and memory-hard: a few at a time keeps a 9,000-account file to seconds a core. */
async function hashAll(passwords: string[], concurrency = 4): Promise<string[]> {
  const out: string[] = new Array<string>(passwords.length);
  let next = 0;
  const work = async () => {
    while (next < passwords.length) {
      const i = next++;
      out[i] = await hashPassword(passwords[i] as string);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, work));
  return out;
}

interface StaffUpdate {
  id: string;
  unit_id: string;
  display_name: string;
  roles: string[];
  password: string | null;
  r: RowReader;
  unitPath: string;
}

/**
 * The linkage rules hold for every household: a cadre of its own town is linked to it. A re-import may not
 * leave households linked to someone who is no longer a cadre, or who now works in another town.
 */
async function checkLinkedCadres(ex: Executor, countyId: string, updates: readonly StaffUpdate[]): Promise<void> {
  const links = await activeLinksByCadre(ex, countyId, updates.map((u) => u.id));
  for (const u of updates) {
    const byTown = links.get(u.id);
    if (!byTown) continue;
    const households = [...byTown.values()].reduce((a, b) => a + b, 0);
    if (!u.roles.includes('cadre')) {
      u.r.fail('roles', `Still the linked cadre (包联干部) of ${households} households: link them to another cadre first`);
      continue;
    }
    const town = u.unitPath.split('.').slice(0, 2).join('.');
    const away = [...byTown].filter(([t]) => t !== town).reduce((a, [, n]) => a + n, 0);
    if (away > 0) u.r.fail('unit_code', `Linked to ${away} households of another town: link them to a cadre of their own town first`);
  }
}

async function importStaff(ctx: ServiceContext, countyId: string, rows: RowReader[], errors: RowError[]): Promise<ImportSummary> {
  const parsed = rows.map((r) => ({
    r,
    username: username(r),
    displayName: r.required('display_name', 100),
    unitCode: r.required('unit_code', 64),
    roles: sortRoles(roles(r)),
    password: password(r),
  }));
  checkUnique(parsed, (p) => p.username, (p) => p.r, 'username');
  const units = new Map((await listUnits(ctx.db, countyId)).map((u) => [u.code, u]));
  const existing = new Map((await findStaffByUsernames(ctx.db, parsed.map((p) => p.username))).map((s) => [s.username, s]));

  const inserts: Array<Omit<NewStaffRow, 'password_hash'> & { password: string | null }> = [];
  const updates: StaffUpdate[] = [];
  let unchanged = 0;
  for (const p of parsed) {
    const unit = p.unitCode ? units.get(p.unitCode) : undefined;
    if (p.unitCode && !unit) p.r.fail('unit_code', `No unit "${p.unitCode}" in this county`);
    for (const role of p.roles) {
      const where = ROLE_UNIT_KINDS[role as Exclude<Role, 'integration'>];
      if (unit && !where.includes(unit.kind)) p.r.fail('roles', `${role} works at a ${where.join(' or ')}, but "${p.unitCode}" is a ${unit.kind}`);
    }
    const old = existing.get(p.username);
    if (old && old.county_id !== countyId) p.r.fail('username', 'Already used in another county');
    else if (old?.roles.includes('integration')) p.r.fail('username', 'An integration account: not managed by import');
    if (!unit || !old || old.county_id !== countyId) {
      if (unit && !old) inserts.push({ id: uuidv7(), unit_id: unit.id, username: p.username, display_name: p.displayName, roles: p.roles, active: true, password: p.password });
      continue;
    }
    // A password is only ever set on an account that has none: a re-import never undoes a person's own change.
    const setPassword = !old.has_password ? p.password : null;
    if (old.display_name === p.displayName && old.unit_id === unit.id && sameRoles(old.roles, p.roles) && setPassword === null) unchanged++;
    else updates.push({ id: old.id, unit_id: unit.id, display_name: p.displayName, roles: p.roles, password: setPassword, r: p.r, unitPath: unit.path });
  }
  await checkLinkedCadres(ctx.db, countyId, updates);
  if (errors.length > 0) throw invalidCsv(errors);

  const toHash = [...inserts, ...updates].filter((s) => s.password !== null);
  const hashed = await hashAll(toHash.map((s) => s.password as string));
  const hashOf = new Map<object, string>(toHash.map((s, i) => [s, hashed[i] as string]));
  await ctx.db.transaction().execute(async (trx) => {
    await lockCountyImports(trx, countyId);
    await insertStaffRows(trx, countyId, inserts.map((s) => ({
      id: s.id, unit_id: s.unit_id, username: s.username, display_name: s.display_name, roles: s.roles, active: s.active,
      password_hash: hashOf.get(s) ?? NO_PASSWORD,
    })));
    await updateStaffRows(trx, updates.map((s) => ({
      id: s.id, unit_id: s.unit_id, display_name: s.display_name, roles: s.roles, password_hash: hashOf.get(s) ?? null,
    })));
    // Again, now that the rows are locked by the update: a link made since the check (the API's
    // `PUT /households/:id/link` reads its cadre under a share lock) is seen, and the file refused.
    await checkLinkedCadres(trx, countyId, updates);
    if (errors.length > 0) throw invalidCsv(errors);
  });
  return {
    kind: 'staff', countyId, rows: rows.length, created: inserts.length, updated: updates.length, unchanged,
    withoutPassword: inserts.filter((s) => s.password === null).length,
  };
}
