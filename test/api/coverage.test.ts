// Coverage (入户率) checked against a hand-computed small county: per cadre, village and town, and who may read it.
import t, { type Test } from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';
import { addCadre, link } from './linkage-fixture.js';

const coverage = async (h: TestApp, user: string, unit: string, period = '') =>
  h.app.inject({ method: 'GET', url: `/v1/coverage?unitId=${h.county.units[unit]}${period}`, headers: await h.auth(user) });

/**
 * 青山东村 (village-1-1): hh0 resident, hh1 migrant, hh2 resident + flood risk, hh3 migrant + low income;
 * 青山西村 (village-1-2): hh4-hh7 residents. cadre ← hh0 hh1 hh2; cadre-two ← hh3 hh4.
 */
async function smallCounty(t: Test) {
  const h = await buildTestApp(t.teardown);
  const hh = h.county.households as string[];
  await h.db.updateTable('households').set({ kind: 'migrant' }).where('id', 'in', [hh[1] as string, hh[3] as string]).execute();
  await h.db.updateTable('households').set({ key_tags: ['flood_risk'] }).where('id', '=', hh[2] as string).execute();
  await h.db.updateTable('households').set({ key_tags: ['low_income', 'left_behind'] }).where('id', '=', hh[3] as string).execute();
  const two = await addCadre(h, 'cadre-two', 'group-1-1-2');
  for (const i of [0, 1, 2]) await link(h, 'dispatcher', hh[i] as string, h.county.staff.cadre as string);
  for (const i of [3, 4]) await link(h, 'dispatcher', hh[i] as string, two.id);
  const visit = async (headers: { authorization: string }, i: number, extra: Record<string, unknown>) => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/visits', headers, payload: { householdId: hh[i], channel: 'in_person', ...extra } });
    t.equal(res.statusCode, 201, 'visit recorded');
  };
  const cadre = await h.auth('cadre');
  await visit(cadre, 0, { confirmationCode: '1111' });
  await visit(cadre, 0, {}); // unconfirmed
  await visit(cadre, 1, { channel: 'phone', confirmationCode: '2222' });
  await visit(cadre, 2, {}); // unconfirmed: reached, not covered
  await visit(cadre, 2, { photoRef: 'photo/oct.jpg', visitedAt: '2026-10-20T02:00:00.000Z' }); // last month
  await visit(two.headers, 3, { channel: 'wechat', confirmationCode: '3333' });
  return { h, two };
}

const zero = { residentTotal: 0, residentVisited: 0, migrantTotal: 0, migrantContacted: 0, keyTotal: 0, keyVisited: 0, neverReached: 0, unconfirmedVisits: 0 };

t.test('coverage per cadre, village and town for this month matches the hand count', async (t) => {
  const { h, two } = await smallCounty(t);
  const res = await coverage(h, 'dispatcher', 'town-1');
  t.equal(res.statusCode, 200, res.body);
  const r = res.json();
  t.equal(r.from, '2026-10-31T16:00:00.000Z', 'this month in Beijing time');
  t.equal(r.to, '2026-11-30T16:00:00.000Z');
  t.same(r.cadres, [
    { cadreId: two.id, name: 'cadre-two', ...zero, residentTotal: 1, migrantTotal: 1, migrantContacted: 1, keyTotal: 1, keyVisited: 1, neverReached: 1, rate: 0 },
    {
      cadreId: h.county.staff.cadre, name: '王包联（包联干部）', ...zero,
      residentTotal: 2, residentVisited: 1, migrantTotal: 1, migrantContacted: 1, keyTotal: 1, unconfirmedVisits: 2, rate: 0.5,
    },
  ]);
  t.same(r.villages, [
    { unitId: h.county.units['village-1-1'], name: '青山东村', residentTotal: 2, residentVisited: 1, migrantTotal: 2, migrantContacted: 2, keyTotal: 2, keyVisited: 1, neverReached: 0, unconfirmedVisits: 2, rate: 0.5 },
    { unitId: h.county.units['village-1-2'], name: '青山西村', ...zero, residentTotal: 4, neverReached: 4, rate: 0 },
  ]);
  t.same(r.towns, [
    { unitId: h.county.units['town-1'], name: '青山镇', residentTotal: 6, residentVisited: 1, migrantTotal: 2, migrantContacted: 2, keyTotal: 2, keyVisited: 1, neverReached: 4, unconfirmedVisits: 2, rate: 1 / 6 },
  ]);
});

t.test('after a re-link the running period counts the household under its new cadre, an earlier one under the old', async (t) => {
  const { h, two } = await smallCounty(t);
  const hh = h.county.households as string[];
  h.clock.advance(3600_000);
  await link(h, 'dispatcher', hh[0] as string, two.id);
  const stored = await h.db.selectFrom('households').select('cadre_id').where('id', '=', hh[0] as string).executeTakeFirstOrThrow();
  t.equal(stored.cadre_id, two.id, 'the household row follows its active link');
  const byCadre = (r: { cadres: Array<{ cadreId: string; residentTotal: number; residentVisited: number; unconfirmedVisits: number }> }) =>
    Object.fromEntries(r.cadres.map((c) => [c.cadreId, [c.residentTotal, c.residentVisited, c.unconfirmedVisits]]));
  const now = (await coverage(h, 'dispatcher', 'town-1')).json();
  t.same(byCadre(now), { [two.id]: [2, 0, 0], [h.county.staff.cadre as string]: [1, 0, 1] },
    'this month: hh0 is cadre-two\'s, and its visits were by the old cadre, so not cadre-two\'s own');
  // Ends half an hour after the links were made and before the re-link: read from the link history.
  const before = (await coverage(h, 'dispatcher', 'town-1', '&from=2026-10-31T16:00:00.000Z&to=2026-11-23T02:30:00.000Z')).json();
  t.same(byCadre(before), { [two.id]: [1, 0, 0], [h.county.staff.cadre as string]: [2, 1, 2] }, 'until then: hh0 was the old cadre\'s');
  t.same(now.towns, before.towns, 'places count every visit whoever made it: the re-link changes no town figure');
});

t.test('a running month read from the household rows equals the same month read from visits and link history', async (t) => {
  const { h } = await smallCounty(t);
  const november = '&from=2026-10-31T16:00:00.000Z&to=2026-11-30T16:00:00.000Z';
  // While November runs, nothing has happened after its end: the report reads each household's own row.
  const running = (await coverage(h, 'dispatcher', 'town-1', november)).json();
  // A confirmed visit in December: November is now read from the visits and the link history.
  h.clock.set('2026-12-01T02:00:00.000Z');
  const hh = h.county.households as string[];
  const dec = await h.app.inject({
    method: 'POST', url: '/v1/visits', headers: await h.auth('cadre'), payload: { householdId: hh[2], channel: 'in_person', confirmationCode: '9999' },
  });
  t.equal(dec.statusCode, 201);
  const closed = (await coverage(h, 'dispatcher', 'town-1', november)).json();
  t.same(closed.cadres, running.cadres);
  t.same(closed.villages, running.villages);
  t.same(closed.towns, running.towns, 'the same figures either way');
  t.equal(running.cadres.find((c: { cadreId: string }) => c.cadreId === h.county.staff.cadre).residentVisited, 1, 'hh2 still counts as not visited in November');
});

t.test('another period counts its own visits, and links in force at its end', async (t) => {
  const { h } = await smallCounty(t);
  const r = (await coverage(h, 'village', 'village-1-1', '&from=2026-09-30T16:00:00.000Z&to=2026-10-31T16:00:00.000Z')).json();
  t.same(r.cadres, [], 'nobody was linked yet in October');
  t.same(r.villages, [
    { unitId: h.county.units['village-1-1'], name: '青山东村', residentTotal: 2, residentVisited: 1, migrantTotal: 2, migrantContacted: 0, keyTotal: 2, keyVisited: 1, neverReached: 3, unconfirmedVisits: 0, rate: 0.5 },
  ]);
  t.same(r.towns, [], 'a village report has no town roll-up');
});

t.test('who may read coverage', async (t) => {
  const h = await buildTestApp(t.teardown);
  t.equal((await coverage(h, 'cadre', 'village-1-1')).json().code, 'forbidden');
  t.equal((await coverage(h, 'water', 'town-1')).json().code, 'forbidden');
  t.equal((await coverage(h, 'town2-office', 'town-1')).json().code, 'outside_jurisdiction');
  t.equal((await coverage(h, 'village', 'village-1-2')).json().code, 'outside_jurisdiction');
  t.equal((await coverage(h, 'dispatcher', 'dept-water')).json().code, 'unknown_unit');
  t.equal((await coverage(h, 'dispatcher', 'town-1', '&from=2026-11-02T00:00:00.000Z&to=2026-11-01T00:00:00.000Z')).json().code, 'invalid_payload');
  const county = await coverage(h, 'county-supervisor', 'county');
  t.equal(county.statusCode, 200);
  t.equal(county.json().towns.length, 2);
  t.equal(county.json().villages.length, 4);
});
