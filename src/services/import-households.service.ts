// CSV import of households: upsert by the county's household code, and the 包联 link to a cadre of the same town.
import { listUnits } from '../store/directory.repository.js';
import {
  closeLinks, insertLinks, listActiveLinks, listCodedHouseholds, listCountyStaff, lockCountyImports, lockHouseholds, lockOpenTicketsOfHouseholds,
  upsertHouseholds, type HouseholdColumn, type HouseholdImportRow,
} from '../store/import.repository.js';
import type { Executor } from '../store/db.js';
import { uuidv7 } from '../store/uuidv7.js';
import { isUnder } from './access.service.js';
import type { ServiceContext } from './context.js';
import { moveTicketToCadre } from './linkage.service.js';
import { checkUnique, householdKind, idNumber, invalidCsv, keyTags, phone, type RowError, type RowReader } from './import.columns.js';
import type { ImportActor, ImportSummary } from './import.service.js';

/** The town of a unit: the first two labels of its path (county.town). */
const townPath = (path: string): string => path.split('.').slice(0, 2).join('.');

const OPTIONAL_COLUMNS = ['phone', 'address', 'kind', 'key_tags', 'id_number'] as const satisfies readonly HouseholdColumn[];

const same = (a: HouseholdImportRow, b: HouseholdImportRow): boolean =>
  a.unit_id === b.unit_id && a.head_name === b.head_name && a.phone === b.phone && a.address === b.address &&
  a.kind === b.kind && a.key_tags.join(',') === b.key_tags.join(',') && a.id_number === b.id_number;

export async function importHouseholds(
  ctx: ServiceContext,
  target: { countyId: string; actor: ImportActor },
  rows: RowReader[],
  errors: RowError[],
): Promise<ImportSummary> {
  const { countyId } = target;
  const parsed = rows.map((r) => ({
    r,
    code: r.required('code', 64),
    groupCode: r.required('group_code', 64),
    headName: r.required('head_name', 100),
    phone: phone(r),
    address: r.optional('address', 200),
    kind: householdKind(r),
    keyTags: keyTags(r),
    cadre: r.optional('cadre_username', 100),
    idNumber: idNumber(r),
  }));
  checkUnique(parsed, (p) => p.code, (p) => p.r, 'code');
  const units = new Map((await listUnits(ctx.db, countyId)).map((u) => [u.code, u]));
  const staff = new Map((await listCountyStaff(ctx.db, countyId)).map((s) => [s.username, s]));
  const unitPaths = new Map([...units.values()].map((u) => [u.id, u.path]));
  const existing = new Map((await listCodedHouseholds(ctx.db, countyId)).map((h) => [h.code, h]));
  const linked = new Set((await listActiveLinks(ctx.db, countyId)).map((l) => l.household_id));
  const present = OPTIONAL_COLUMNS.filter((c) => rows[0]?.has(c));

  const writes: HouseholdImportRow[] = [];
  const links: Array<{ code: string; cadreId: string }> = [];
  let created = 0;
  let updated = 0;
  for (const p of parsed) {
    const group = units.get(p.groupCode);
    if (p.groupCode && !group) p.r.fail('group_code', `No unit "${p.groupCode}" in this county`);
    else if (group && group.kind !== 'group') p.r.fail('group_code', `"${p.groupCode}" is a ${group.kind}; a household belongs to a group (村民小组)`);
    if (p.cadre) {
      const cadre = staff.get(p.cadre);
      const cadrePath = cadre ? unitPaths.get(cadre.unit_id) : undefined;
      if (!cadre || !cadrePath) p.r.fail('cadre_username', `No account "${p.cadre}" in this county`);
      else if (!cadre.roles.includes('cadre')) p.r.fail('cadre_username', `"${p.cadre}" is not a cadre`);
      else if (!cadre.active) p.r.fail('cadre_username', `"${p.cadre}" is disabled`);
      // The linkage rule: a household is linked to a cadre of its own town.
      else if (group && !isUnder(cadrePath, townPath(group.path))) p.r.fail('cadre_username', `"${p.cadre}" works in another town`);
      else links.push({ code: p.code, cadreId: cadre.id });
    }
    if (!group || group.kind !== 'group' || p.code === '' || p.kind === undefined) continue;
    const old = existing.get(p.code);
    const oldPath = old ? unitPaths.get(old.unit_id) : undefined;
    // Its cadre works in the old town: moving the household without a new cadre would leave it with nobody who may visit it.
    if (old && oldPath && linked.has(old.id) && !p.cadre && townPath(oldPath) !== townPath(group.path)) {
      p.r.fail('cadre_username', `Household "${p.code}" moves to another town: name its new cadre (cadre_username)`);
      continue;
    }
    const row: HouseholdImportRow = {
      id: old?.id ?? uuidv7(),
      unit_id: group.id,
      code: p.code,
      head_name: p.headName,
      phone: present.includes('phone') || !old ? p.phone : old.phone,
      address: present.includes('address') || !old ? p.address : old.address,
      kind: present.includes('kind') || !old ? p.kind : old.kind,
      key_tags: present.includes('key_tags') || !old ? p.keyTags : old.key_tags,
      id_number: present.includes('id_number') || !old ? p.idNumber : old.id_number,
    };
    if (!old) created++;
    else if (same(old, row)) continue;
    else updated++;
    writes.push(row);
  }
  if (errors.length > 0) throw invalidCsv(errors);

  const now = ctx.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    await lockCountyImports(trx, countyId);
    const ids = new Map([...existing.values()].map((h) => [h.code, h.id]));
    for (const w of await upsertHouseholds(trx, countyId, writes, ['unit_id', 'head_name', ...present])) ids.set(w.code, w.id);
    return linkAll(trx, countyId, target.actor, now, links.map((l) => ({ householdId: ids.get(l.code) as string, cadreId: l.cadreId })));
  });
  return { kind: 'households', countyId, rows: rows.length, created, updated, unchanged: rows.length - created - updated, ...result };
}

/**
 * The linkage rules of linkage.service, in bulk: an earlier link is closed (history kept) and the
 * household's open tickets move to the new cadre, each with a RELINK event; the same cadre changes nothing.
 */
async function linkAll(
  trx: Executor,
  countyId: string,
  actor: ImportActor,
  now: Date,
  wanted: Array<{ householdId: string; cadreId: string }>,
): Promise<{ linksCreated: number; linksClosed: number; ticketsMoved: number }> {
  // Read under the households' locks (NO KEY UPDATE: registrations and visits for them go on): a link
  // changed through the API meanwhile is seen and replaced by the file's (history kept), not overwritten or doubled.
  await lockHouseholds(trx, countyId, wanted.map((w) => w.householdId));
  const active = new Map((await listActiveLinks(trx, countyId)).map((l) => [l.household_id, l]));
  const close: string[] = [];
  const open: Array<{ id: string; household_id: string; cadre_id: string }> = [];
  const newCadre = new Map<string, string>();
  for (const w of wanted) {
    const current = active.get(w.householdId);
    if (current?.cadre_id === w.cadreId) continue;
    if (current) close.push(current.id);
    open.push({ id: uuidv7(now.getTime()), household_id: w.householdId, cadre_id: w.cadreId });
    newCadre.set(w.householdId, w.cadreId);
  }
  await closeLinks(trx, close, now);
  await insertLinks(trx, countyId, open, now, actor.kind === 'staff' ? actor.staffId : null);

  let moved = 0;
  for (const ticket of await lockOpenTicketsOfHouseholds(trx, countyId, [...newCadre.keys()])) {
    const cadreId = newCadre.get(ticket.household_id as string) as string;
    if (ticket.cadre_id === cadreId) continue;
    await moveTicketToCadre(trx, ticket, cadreId, actor, now, { source: 'import' });
    moved++;
  }
  return { linksCreated: open.length, linksClosed: close.length, ticketsMoved: moved };
}
