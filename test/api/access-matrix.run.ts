// Runs the authorization matrix (access-matrix.table.ts) through the API: every cell is one asserted request.
import { sql } from 'kysely';
import type { Test } from 'tap';
import type { TestApp } from '../helper.js';
import type { Matrix } from './access-fixture.js';
import {
  ALLOWED, CONTACT, EVENTS, HOUSEHOLD_SCOPE, isVisible, JOINT_SETUPS, PLACES, REGISTER, resolvePlace,
  type Account, type EventKey, type Place, type PlaceSpec,
} from './access-matrix.table.js';

const placesOf = (account: Account) => Object.entries(PLACES[account]) as Array<[Place, PlaceSpec]>;

/** Reads and lists: a ticket outside the jurisdiction is 404 and never counted, filtered by unit or not. */
export async function runReadMatrix(t: Test, h: TestApp, m: Matrix, accounts: readonly Account[]): Promise<void> {
  for (const account of accounts) {
    const headers = await m.headers(account);
    for (const [place, spec] of placesOf(account)) {
      for (const joint of [false, true]) {
        const category = `r-${account}-${place}-${joint ? 'j' : 'l'}`;
        const id = await m.makeTicket(spec, joint ? 'dispatched' : 'registered', category);
        const visible = isVisible(account, place, joint);
        const cell = `${account} × ${joint ? 'joint' : 'local'} ticket × ${place}`;
        const read = await h.app.inject({ method: 'GET', url: `/v1/tickets/${id}`, headers });
        t.equal(read.statusCode, visible ? 200 : 404, `read: ${cell}`);
        if (!visible) t.equal(read.json().code, 'ticket_not_found', `read: ${cell}: not revealed`);
        const list = await h.app.inject({ method: 'GET', url: `/v1/tickets?category=${category}&limit=200`, headers });
        t.equal(list.json().items.length, visible ? 1 : 0, `list: ${cell}`);
        const { unitId } = resolvePlace(spec, h.county, m.b);
        const byUnit = await h.app.inject({ method: 'GET', url: `/v1/tickets?category=${category}&unitId=${unitId}`, headers });
        if (spec.county === 'b') t.equal(byUnit.json().code, 'unknown_unit', `list by unit: ${cell}: another county's unit is unknown`);
        else t.equal(byUnit.json().items.length, visible ? 1 : 0, `list by unit: ${cell}`);
      }
    }
  }
}

const pathOf = async (h: TestApp, unitId: string): Promise<string> =>
  (await h.db.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirstOrThrow()).path;

/** Households: listed only inside the account's places (masked); full numbers only where CONTACT says 200. */
export async function runHouseholdMatrix(t: Test, h: TestApp, m: Matrix, accounts: readonly Account[]): Promise<void> {
  for (const account of accounts) {
    const headers = await m.headers(account);
    const scopeCode = HOUSEHOLD_SCOPE[account];
    const scope = scopeCode === null ? null : await pathOf(h, h.county.units[scopeCode] as string);
    const own = await pathOf(h, resolvePlace(Object.values(PLACES[account])[0] as PlaceSpec, h.county, m.b).unitId);
    for (const [place, spec] of placesOf(account)) {
      const cell = `${account} × households × ${place}`;
      const { unitId, county } = resolvePlace(spec, h.county, m.b);
      const list = await h.app.inject({ method: 'GET', url: `/v1/households?unitId=${unitId}`, headers });
      if (county !== h.county) {
        t.equal(list.json().code, 'unknown_unit', `list: ${cell}`);
      } else {
        const placePath = await pathOf(h, unitId);
        // The expectation, by a query of its own: households under the place and under the account's scope.
        const expected = scope === null ? [] : (await sql<{ id: string }>`
          select h.id from households h join units u on u.id = h.unit_id
          where u.path <@ ${placePath}::ltree and u.path <@ ${scope}::ltree`.execute(h.db)).rows.map((r) => r.id);
        const got = (list.json().items as Array<{ id: string }>).map((i) => i.id);
        t.same(got.sort(), expected.sort(), `list: ${cell}`);
      }
      // A household at the place, away from the account's own unit unless the place is its own.
      const placePath = await pathOf(h, unitId);
      const candidates = (await sql<{ id: string; path: string }>`
        select h.id, u.path::text as path from households h join units u on u.id = h.unit_id
        where u.path <@ ${placePath}::ltree order by h.id`.execute(h.db)).rows;
      const household = candidates.find((c) => place === 'own' || !(c.path === own || c.path.startsWith(`${own}.`))) ?? candidates[0];
      const contact = await h.app.inject({ method: 'GET', url: `/v1/households/${household?.id}/contact?reason=matrix`, headers });
      t.equal(contact.statusCode, CONTACT[account][place], `contact: ${cell}`);
    }
  }
}

/** Registration at each place, then every event × place: 404 unseen, 403 not theirs to send, 200 sent. */
export async function runWriteMatrix(t: Test, h: TestApp, m: Matrix, accounts: readonly Account[]): Promise<void> {
  const eventsOf = async (id: string) =>
    Number((await h.db.selectFrom('ticket_events').select((eb) => eb.fn.countAll<string>().as('n')).where('ticket_id', '=', id).executeTakeFirstOrThrow()).n);
  for (const account of accounts) {
    const headers = await m.headers(account);
    for (const [place, spec] of placesOf(account)) {
      const { unitId } = resolvePlace(spec, h.county, m.b);
      const res = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: { unitId, category: 'w', description: '登记' } });
      t.equal(res.statusCode, REGISTER[account][place], `register: ${account} × ${place}`);
    }
  }
  const shared = new Map<string, string>();
  for (const account of accounts) {
    const headers = await m.headers(account);
    for (const key of Object.keys(EVENTS) as EventKey[]) {
      const { setup, body } = EVENTS[key];
      for (const [place, spec] of placesOf(account)) {
        const visible = isVisible(account, place, JOINT_SETUPS.includes(setup));
        const allowed = visible && (ALLOWED[account][key]?.includes(place) ?? false);
        const expected = !visible ? 404 : allowed ? 200 : 403;
        // A refusal changes nothing, so refusals share a ticket; a success gets its own.
        const shareKey = `${JSON.stringify(spec)}|${setup}`;
        let id = allowed ? undefined : shared.get(shareKey);
        if (!id) {
          id = await m.makeTicket(spec, setup, 'w');
          if (!allowed) shared.set(shareKey, id);
        }
        const payload: Record<string, unknown> = { ...body };
        if (key === 'MERGE') payload.into = await m.makeTicket(spec, 'registered', 'w');
        if (key === 'DISPATCH' || key === 'REPORT_UP') payload.leadUnitId = h.county.units['dept-water'];
        const before = await eventsOf(id);
        const res = await h.app.inject({ method: 'POST', url: `/v1/tickets/${id}/events`, headers, payload });
        const cell = `${key}: ${account} × ${place}`;
        t.equal(res.statusCode, expected, `${cell}${res.statusCode === expected ? '' : ` (${String(res.json().code)})`}`);
        if (expected === 403) t.equal(res.json().code, 'event_forbidden', `${cell}: code`);
        t.equal(await eventsOf(id), before + (res.statusCode === 200 ? 1 : 0), `${cell}: ${res.statusCode === 200 ? 'one event written' : 'nothing written'}`);
      }
    }
  }
}
