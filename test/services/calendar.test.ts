// Working-day calendar per county: a year without data is flagged, loading it (API or file format) fixes new deadlines.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { buildTestApp, writeCounts, type TestApp } from '../helper.js';
import { loadCalendarYear } from '../../src/services/calendar.service.js';

const acceptJoint = async (h: TestApp) => {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { unitId: h.county.units['village-1-1'], category: 'road', description: '修路', mode: 'joint', leadUnitId: h.county.units['dept-transport'] },
  });
  const accepted = await h.app.inject({ method: 'POST', url: `/v1/tickets/${res.json().id}/events`, headers: await h.auth('transport'), payload: { type: 'ACCEPT' } });
  return accepted.json();
};

t.test('a 2027 deadline is reported as uncovered, then computed on the loaded 2027 calendar', async (t) => {
  const h = await buildTestApp(t.teardown);
  h.clock.set('2026-12-28T02:00:00Z'); // Monday 28 December, 10:00 Beijing
  const before = await acceptJoint(h);
  // Tue 29, Wed 30, Thu 31, then 2027 on plain weekdays: Fri 1 January counts, Mon 4.
  t.equal(before.dueAt, '2027-01-04T16:00:00.000Z');
  const degraded = (await h.app.inject('/readyz')).json();
  t.match(degraded, { status: 'ready', calendar: { status: 'degraded', uncoveredYears: [2027] } });
  t.notOk('openTicketsOnPlainWeekdays' in degraded.calendar, 'the public probe shows no county’s counts');
  const admin = await h.auth('admin');
  const county = (await h.app.inject({ method: 'GET', url: '/v1/calendar/status', headers: admin })).json();
  t.same(county, { status: 'degraded', uncoveredYears: [2027], openTicketsOnPlainWeekdays: 1 });

  const refused = await h.app.inject({ method: 'PUT', url: '/v1/calendar/years/2027', headers: await h.auth('cadre'), payload: { holidays: [], workdays: [] } });
  t.equal(refused.statusCode, 403, 'only a county admin loads the calendar');
  const loaded = await h.app.inject({
    method: 'PUT', url: '/v1/calendar/years/2027', headers: admin,
    payload: { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [], source: '国务院办公厅 2027 年部分节假日安排' },
  });
  t.equal(loaded.statusCode, 200, loaded.body);
  t.same(loaded.json(), { year: 2027, holidays: 3, workdays: 0 });

  const after = await acceptJoint(h);
  t.equal(after.dueAt, '2027-01-05T16:00:00.000Z', 'New Year’s Day is off: Tue, Wed, Thu, Mon 4, Tue 5');
  const status = (await h.app.inject({ method: 'GET', url: '/v1/calendar/status', headers: admin })).json();
  t.same(status.uncoveredYears, [], '2027 is covered now');
  t.equal(status.openTicketsOnPlainWeekdays, 1, 'the deadline computed before the load stays flagged until its next state');
});

t.test('a bad calendar file is refused and changes nothing; the chinese-days file format loads', async (t) => {
  const h = await buildTestApp(t.teardown);
  const admin = await h.auth('admin');
  const count = async () => Number((await h.db.selectFrom('calendar_days').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const before = await writeCounts(h.db);
  for (const payload of [
    { holidays: ['2027-02-30'], workdays: [] },
    { holidays: ['2027-13-01'], workdays: [] },
    { holidays: { '2027-00-10': '无此日' }, workdays: [] },
    { holidays: ['2026-10-01'], workdays: [] },
    { holidays: ['2027-10-01'], workdays: ['2027-10-01'] },
    { holidays: [], workdays: [], extra: 1 },
  ]) {
    const res = await h.app.inject({ method: 'PUT', url: '/v1/calendar/years/2027', headers: admin, payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(res.json().code, 'validation_failed');
  }
  t.equal(await count(), 0, 'no day was written');
  t.same(await writeCounts(h.db), before);

  // The package's own per-year file, as a county would copy next year's from an updated package.
  const file = JSON.parse(await readFile('node_modules/chinese-days/dist/years/2026.json', 'utf8')) as { holidays: Record<string, string>; workdays: Record<string, string> };
  const result = await loadCalendarYear(h.services, { year: 2026, holidays: file.holidays, workdays: file.workdays }, { source: 'file:2026.json' });
  t.equal(result.counties, 1);
  t.equal(result.holidays, Object.keys(file.holidays).length);
  t.equal(await count(), result.holidays + result.workdays);
  const notes = await h.db.selectFrom('calendar_days').select(['day', 'kind', 'note']).where('day', '=', '2026-10-01').execute();
  t.match(notes, [{ day: '2026-10-01', kind: 'holiday', note: /国庆节/ }]);
});
