// Coverage periods per town: only the county admin sets them; a half-month town's report defaults to its half month.
import t from 'tap';
import { coverageCounty, get, zero } from './coverage-fixture.js';

t.test('only the county admin sets a town period, and everyone sees the period of their town', async (t) => {
  const { h, setPeriod } = await coverageCounty(t);
  for (const user of ['dispatcher', 'town-supervisor', 'county-supervisor', 'cadre']) {
    const res = await setPeriod('town-1', 'half_month', user);
    t.equal(res.statusCode, 403, `${user} may not set it`);
    t.equal(res.json().code, 'forbidden');
  }
  t.equal((await setPeriod('village-1-1', 'half_month')).json().code, 'unknown_unit', 'periods are set per town');
  t.equal((await setPeriod('town-1', 'week')).statusCode, 400, 'month or half month only');
  t.equal((await get(h, 'dispatcher', '/v1/coverage/periods')).json().items[0].period, 'month', 'nothing was written by the refusals');

  h.clock.set('2026-11-02T01:00:00Z');
  const set = await setPeriod('town-1', 'half_month');
  t.equal(set.statusCode, 200, set.body);
  t.same(set.json(), {
    townId: h.county.units['town-1'], name: '青山镇', period: 'half_month',
    label: { zh: '按半月（1–15日、16日–月末）', en: 'Half-monthly (1st–15th, 16th–end of month)' },
    setBy: h.county.staff.admin, setAt: '2026-11-02T01:00:00.000Z',
  });

  const county = (await get(h, 'county-supervisor', '/v1/coverage/periods')).json().items;
  t.same(county.map((x: { name: string; period: string; setBy: string | null }) => [x.name, x.period, x.setBy]), [
    ['青山镇', 'half_month', h.county.staff.admin],
    ['白水镇', 'month', null],
  ], 'the county sees every town; a town never set reports by month');
  t.same((await get(h, 'dispatcher', '/v1/coverage/periods')).json().items.map((x: { name: string }) => x.name), ['青山镇'], 'a town office sees its own town');
  t.same((await get(h, 'cadre', '/v1/coverage/periods')).json().items.map((x: { period: string }) => x.period), ['half_month'], 'a cadre sees the period of their town');
  t.same((await get(h, 'water', '/v1/coverage/periods')).json().items, [], 'a department has no town');

  t.equal((await setPeriod('town-1', 'month')).json().period, 'month', 'set back to a month');
  t.equal((await get(h, 'dispatcher', '/v1/coverage/periods')).json().items[0].period, 'month');
  const spec = (await h.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, { summary?: string }>> };
  t.match(spec.paths['/v1/coverage/periods/{townId}']?.put?.summary, /county admin only/, 'described in the OpenAPI document');
  for (const path of ['/v1/coverage/periods', '/v1/coverage/reports', '/v1/coverage/reports/{id}', '/v1/coverage/me']) t.ok(spec.paths[path]?.get?.summary, path);
});

t.test('a half-month town reports on its half month by default; a month town and the county on the month', async (t) => {
  const { h, firstHalf, secondHalf, setPeriod } = await coverageCounty(t);
  await firstHalf();
  await secondHalf();
  h.clock.set('2026-11-23T02:00:00Z');
  const cadreId = h.county.staff.cadre;
  const coverage = async (unit: string, user = 'county-supervisor') => {
    const res = await get(h, user, `/v1/coverage?unitId=${h.county.units[unit]}`);
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const month = { kind: 'month', label: { zh: '按月', en: 'Monthly' }, from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' };
  const wang = (r: { cadres: Array<{ cadreId: string }> }) => r.cadres.find((c) => c.cadreId === cadreId);

  const before = await coverage('town-1', 'dispatcher');
  t.same(before.period, month, 'every town reports by month until the admin says otherwise');
  t.same(wang(before), {
    cadreId, name: '王包联（包联干部）', ...zero,
    residentTotal: 2, residentVisited: 2, migrantTotal: 1, migrantContacted: 1, keyTotal: 1, keyVisited: 1, unconfirmedVisits: 1, rate: 1,
  }, 'over the month 王包联 reached every household');

  await setPeriod('town-1', 'half_month');
  const half = await coverage('town-1', 'dispatcher');
  t.same(half.period, {
    kind: 'half_month', label: { zh: '按半月（1–15日、16日–月末）', en: 'Half-monthly (1st–15th, 16th–end of month)' },
    from: '2026-11-15T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z',
  }, '16 November 00:00 to 1 December 00:00, Beijing time');
  t.equal(half.from, '2026-11-15T16:00:00.000Z');
  t.same(wang(half), {
    cadreId, name: '王包联（包联干部）', ...zero,
    residentTotal: 2, residentVisited: 1, migrantTotal: 1, keyTotal: 1, keyVisited: 1, neverReached: 1, unconfirmedVisits: 1, rate: 0.5,
  }, 'in the second half only hh2 was confirmed; the migrant was not contacted again');
  t.same(half.towns.map((x: { residentVisited: number }) => x.residentVisited), [2], 'hh2 and hh4 in the town');

  t.same((await coverage('village-1-1', 'village')).period.kind, 'half_month', "a village reports on its town's period");
  const town2 = await coverage('town-2', 'town2-office');
  t.same(town2.period, month, 'the other town stays monthly');
  t.same(town2.cadres.map((c: { residentVisited: number; residentTotal: number }) => [c.residentVisited, c.residentTotal]), [[2, 3]]);
  t.same((await coverage('county')).period, month, 'the county, above every town, reports by month');

  const custom = (await get(h, 'dispatcher', `/v1/coverage?unitId=${h.county.units['town-1']}&from=2026-10-31T16:00:00.000Z&to=2026-11-15T16:00:00.000Z`)).json();
  t.same(custom.period, { kind: 'custom', label: { zh: '自定义时段', en: 'Custom period' }, from: '2026-10-31T16:00:00.000Z', to: '2026-11-15T16:00:00.000Z' });
  t.same(wang(custom), {
    cadreId, name: '王包联（包联干部）', ...zero,
    residentTotal: 2, residentVisited: 1, migrantTotal: 1, migrantContacted: 1, keyTotal: 1, neverReached: 1, rate: 0.5,
  }, 'the first half, asked for by dates');
});
