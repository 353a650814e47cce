// Linkage (包联): re-linking moves open tickets with a RELINK event, one active link per household, status board, who may do it.
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';
import { addCadre, link } from './linkage-fixture.js';

type Json = Record<string, unknown> & { id: string; state: string; version: number };

async function post(h: TestApp, headers: { authorization: string }, url: string, payload: Record<string, unknown>): Promise<Json> {
  const res = await h.app.inject({ method: 'POST', url, headers, payload });
  if (res.statusCode >= 300) throw new Error(`${url} failed ${res.statusCode} ${res.body}`);
  return res.json();
}

t.test('re-linking moves the household\'s open tickets to the new cadre, with an event, and leaves closed ones', async (t) => {
  const h = await buildTestApp(t.teardown);
  const household = h.county.households[0] as string;
  const cadre = h.county.staff.cadre as string;
  const first = await link(h, 'dispatcher', household, cadre);
  t.equal(first.statusCode, 200, first.body);
  t.same(first.json().movedTicketIds, []);

  const asCadre = await h.auth('cadre');
  const open = await post(h, await h.auth('dispatcher'), '/v1/tickets', { householdId: household, category: 'road', description: '路灯坏了' });
  const done = await post(h, asCadre, '/v1/tickets', { householdId: household, category: 'policy', description: '咨询', mode: 'onSite' });
  await post(h, asCadre, `/v1/tickets/${done.id}/events`, { type: 'RESOLVE', summary: '已解答' });
  await post(h, asCadre, `/v1/tickets/${done.id}/events`, { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true });
  await post(h, await h.auth('town-supervisor'), `/v1/tickets/${done.id}/events`, { type: 'CALLBACK', rating: 'satisfied' });
  const before = await h.db.selectFrom('tickets').select(['id', 'cadre_id', 'version']).where('id', '=', open.id).executeTakeFirstOrThrow();
  t.equal(before.cadre_id, cadre, 'a ticket of a linked household is handled by its cadre');

  const other = await addCadre(h, 'cadre-two', 'group-1-1-2');
  h.clock.advance(86_400_000);
  const res = await link(h, 'dispatcher', household, other.id);
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json().movedTicketIds, [open.id], 'only the open ticket moves');
  t.equal(res.json().previousCadreId, cadre);

  const links = await h.db.selectFrom('household_links').selectAll().where('household_id', '=', household).orderBy('valid_from').execute();
  t.equal(links.length, 2, 'history is kept');
  t.same(links[0]?.valid_to, h.clock.now(), 'the old link ends now');
  t.equal(links[1]?.valid_to, null);
  t.equal(links[1]?.cadre_id, other.id);

  const moved = await h.app.inject({ method: 'GET', url: `/v1/tickets/${open.id}`, headers: other.headers });
  t.equal(moved.statusCode, 200, 'the new cadre sees the moved ticket');
  const detail = moved.json() as Json & { timeline: Array<{ type: string; fromState: string; toState: string; label: { zh: string } }> };
  t.equal(detail.version, before.version + 1);
  t.equal(detail.state, 'registered', 'the state does not change');
  t.match(detail.timeline.at(-1), { type: 'RELINK', fromState: 'registered', toState: 'registered', label: { zh: '变更包联干部' } });
  const gone = await h.app.inject({ method: 'GET', url: `/v1/tickets/${open.id}`, headers: asCadre });
  t.equal(gone.statusCode, 404, 'the old cadre no longer sees a ticket they did not create');

  const closed = await h.db.selectFrom('tickets').select(['cadre_id', 'state']).where('id', '=', done.id).executeTakeFirstOrThrow();
  t.same(closed, { cadre_id: cadre, state: 'closed' }, 'a closed ticket stays with its cadre');
  const relinks = await h.db.selectFrom('ticket_events').select('ticket_id').where('type', '=', 'RELINK').execute();
  t.same(relinks.map((r) => r.ticket_id), [open.id], 'one RELINK event, on the open ticket');

  const again = await link(h, 'dispatcher', household, other.id);
  t.same(again.json().movedTicketIds, [], 'linking to the same cadre again changes nothing');
  t.equal((await h.db.selectFrom('household_links').select('id').where('household_id', '=', household).execute()).length, 2);
});

t.test('a household has exactly one active link, enforced by the database', async (t) => {
  const h = await buildTestApp(t.teardown);
  const household = h.county.households[0] as string;
  t.equal((await link(h, 'dispatcher', household, h.county.staff.cadre as string)).statusCode, 200);
  const second = h.db.insertInto('household_links').values({
    id: '0192f000-0000-7000-8000-000000000001', county_id: h.county.countyId, household_id: household,
    cadre_id: h.county.staff.cadre as string, valid_from: h.clock.now(), valid_to: null, linked_by: null,
  }).execute();
  await t.rejects(second, /household_links_one_active/);
});

t.test('who may link, set a status and read the status board', async (t) => {
  const h = await buildTestApp(t.teardown);
  const household = h.county.households[0] as string;
  const cadre = h.county.staff.cadre as string;
  t.equal((await link(h, 'cadre', household, cadre)).json().code, 'forbidden', 'a cadre does not link');
  t.equal((await link(h, 'village', household, cadre)).statusCode, 403);
  t.equal((await link(h, 'town2-office', household, cadre)).json().code, 'household_not_found', 'another town\'s household does not exist for them');
  t.equal((await link(h, 'dispatcher', household, h.county.staff.water as string)).json().code, 'unknown_cadre', 'a department handler is no cadre');
  t.equal((await link(h, 'town-supervisor', household, cadre)).statusCode, 200, 'the town supervision office links too');

  const put = async (user: string, status: string) =>
    h.app.inject({ method: 'PUT', url: '/v1/me/status', headers: await h.auth(user), payload: { status } });
  t.equal((await put('cadre', 'in_village')).statusCode, 200);
  t.equal((await put('dispatcher', 'meeting')).json().code, 'forbidden', 'only cadres have a status');
  t.equal((await put('cadre', 'asleep')).statusCode, 400);

  const board = async (user: string, unit: string) =>
    h.app.inject({ method: 'GET', url: `/v1/units/${h.county.units[unit]}/cadres`, headers: await h.auth(user) });
  const res = await board('dispatcher', 'town-1');
  t.equal(res.statusCode, 200);
  t.match(res.json().items, [{ staffId: cadre, status: 'in_village', statusAt: h.clock.now().toISOString(), households: 1 }]);
  t.equal(res.json().items.length, 1);
  t.equal((await board('county-supervisor', 'town-1')).statusCode, 200);
  t.same((await board('town2-office', 'town-2')).json().items, [], 'no cadre in 白水镇');
  t.equal((await board('town2-office', 'town-1')).json().code, 'outside_jurisdiction');
  t.equal((await board('cadre', 'town-1')).statusCode, 403);
  t.equal((await board('dispatcher', 'dept-water')).json().code, 'unknown_unit');
});
