// Working-day calendar per county: a year without data is flagged, loading it (API or file format) fixes new deadlines.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { buildTestApp, REDIS_URL, writeCounts, type TestApp } from '../helper.js';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { replaceCalendarYear } from '../../src/store/county-settings.repository.js';
import { sweep } from '../../src/workers/processors/reconcile.processor.js';
import { QUEUE, redisOptions, type DeadlineJob } from '../../src/workers/queues.js';
import { loadCalendarYear } from '../../src/services/calendar.service.js';
import { deadlineJobId } from '../../src/services/effect-plan.service.js';
import { deadlineProcessor } from '../../src/workers/processors/deadline.processor.js';

const acceptJoint = async (h: TestApp) => {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { unitId: h.county.units['village-1-1'], category: 'road', description: '修路', mode: 'joint', leadUnitId: h.county.units['dept-transport'] },
  });
  const accepted = await h.app.inject({ method: 'POST', url: `/v1/tickets/${res.json().id}/events`, headers: await h.auth('transport'), payload: { type: 'ACCEPT' } });
  return accepted.json();
};

const detail = async (h: TestApp, id: string) => (await h.app.inject({ method: 'GET', url: `/v1/tickets/${id}`, headers: await h.auth('admin') })).json();

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
  t.same(loaded.json(), { year: 2027, holidays: 3, workdays: 0, recomputedDeadlines: 1, recomputeFailures: 0 });

  const after = await acceptJoint(h);
  t.equal(after.dueAt, '2027-01-05T16:00:00.000Z', 'New Year’s Day is off: Tue, Wed, Thu, Mon 4, Tue 5');
  const recomputed = await detail(h, before.id);
  t.equal(recomputed.dueAt, '2027-01-05T16:00:00.000Z', 'the deadline guessed before the load is worked out again the same way');
  t.match(recomputed.timeline.at(-1), { type: 'CALENDAR_LOADED', actor: { kind: 'system', name: 'calendar' }, payload: { year: 2027 } });
  t.equal(recomputed.enteredAt, before.enteredAt, 'the state was not entered again');
  const status = (await h.app.inject({ method: 'GET', url: '/v1/calendar/status', headers: admin })).json();
  t.same(status, { status: 'ok', uncoveredYears: [], openTicketsOnPlainWeekdays: 0 }, '2027 is covered, and nothing is left on plain weekdays');
  const again = await h.app.inject({ method: 'PUT', url: '/v1/calendar/years/2027', headers: admin, payload: { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] } });
  t.equal(again.json().recomputedDeadlines, 0, 'loading the year again finds nothing left to recompute');
});

t.test('the deadline guessed for a year is worked out again when it is loaded: the old timers go stale, the new ones fire', async (t) => {
  const h = await buildTestApp(t.teardown);
  const process = deadlineProcessor(h.services, pino({ level: 'silent' }));
  const clockOf = async (id: string) => (await h.db.selectFrom('tickets').select('clock').where('id', '=', id).executeTakeFirstOrThrow()).clock;
  const fire = async (id: string, clock: number, level: 'village' | 'town', kind: 'warning' | 'passed') =>
    process({ id: deadlineJobId(id, clock, level, kind), data: { countyId: h.county.countyId, dueAt: 0 } } as never);
  const send = async (id: string, payload: Record<string, unknown>, user: string) =>
    h.app.inject({ method: 'POST', url: `/v1/tickets/${id}/events`, headers: await h.auth(user), payload });

  // A proxy errand registered Wednesday 30 December 2026, 10:00 Beijing (24 h), escalated the next day:
  // the town's 2 working days run into 2027, guessed as Fri 1 and Mon 4 January.
  h.clock.set('2026-12-30T02:00:00Z');
  const proxy = (await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { householdId: h.county.households[0], category: 'insurance', description: '代办医保', mode: 'proxy' },
  })).json();
  h.clock.set('2026-12-31T03:00:00Z');
  t.equal(await fire(proxy.id, await clockOf(proxy.id), 'village', 'passed'), 'applied');
  const escalated = await detail(h, proxy.id);
  t.match(escalated, { level: 'town', dueAt: '2027-01-04T16:00:00.000Z', warnAt: null });

  // A joint case accepted Monday 28 December (5 working days: guessed Mon 4 January), paused for a day.
  h.clock.set('2026-12-28T02:00:00Z');
  const joint = await acceptJoint(h);
  t.equal(joint.dueAt, '2027-01-04T16:00:00.000Z');
  h.clock.set('2026-12-29T02:00:00Z');
  t.equal((await send(joint.id, { type: 'PAUSE', reason: '等待群众补交材料' }, 'transport')).statusCode, 200);
  h.clock.set('2026-12-30T02:00:00Z');
  const resumed = (await send(joint.id, { type: 'RESUME' }, 'transport')).json();
  t.equal(resumed.dueAt, '2027-01-05T16:00:00.000Z', 'the pause moved the guessed deadline by a day');
  const jointClock = await clockOf(joint.id);

  h.clock.set('2026-12-31T04:00:00Z');
  const loaded = await h.app.inject({
    method: 'PUT', url: '/v1/calendar/years/2027', headers: await h.auth('admin'),
    payload: { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] },
  });
  t.equal(loaded.json().recomputedDeadlines, 2);
  // The town's two working days are Mon 4 and Tue 5; still no yellow card after a red one.
  t.match(await detail(h, proxy.id), { level: 'town', dueAt: '2027-01-05T16:00:00.000Z', warnAt: null });
  // Tue 29 … Tue 5 January is the fifth working day; the day paused still counts on top, and so does the warning's share.
  t.match(await detail(h, joint.id), { dueAt: '2027-01-06T16:00:00.000Z', warnAt: '2027-01-04T22:48:00.000Z' });
  const timers = await h.db.selectFrom('outbox').select(['job_id', 'run_at']).where('ticket_id', '=', joint.id).where('topic', '=', 'deadline').orderBy('id', 'desc').limit(2).execute();
  t.same(
    timers.map((r) => [r.job_id, r.run_at.toISOString()]),
    [[deadlineJobId(joint.id, jointClock + 1, 'village', 'passed'), '2027-01-06T16:00:00.000Z'], [deadlineJobId(joint.id, jointClock + 1, 'village', 'warning'), '2027-01-04T22:48:00.000Z']],
    'new timers on a new clock',
  );

  // Monday 4 January, after the guessed deadline: the timers set for it apply nothing.
  h.clock.set('2027-01-04T17:00:00Z');
  t.equal(await fire(proxy.id, await clockOf(proxy.id) - 1, 'town', 'passed'), 'stale', 'the guessed town deadline is stale');
  t.equal(await fire(joint.id, jointClock, 'village', 'passed'), 'stale');
  t.equal(await fire(joint.id, jointClock + 1, 'village', 'warning'), 'applied', 'the yellow card at the recomputed time');
  h.clock.set('2027-01-05T17:00:00Z');
  t.equal(await fire(proxy.id, await clockOf(proxy.id), 'town', 'passed'), 'applied', 'the real town deadline climbs to the county');
  t.match(await detail(h, proxy.id), { level: 'county' });
  t.equal((await detail(h, joint.id)).level, 'village', 'the joint case is not due yet');
});

t.test('a load interrupted before its pass: the reconcile sweep works the guessed deadline out; a row without a basis is left flagged', async (t) => {
  const h = await buildTestApp(t.teardown);
  h.clock.set('2026-12-28T02:00:00Z');
  const kept = await acceptJoint(h);
  const legacy = await acceptJoint(h);
  t.equal(kept.dueAt, '2027-01-04T16:00:00.000Z');
  // As written before bases were kept: nothing tells what its guess was worked out from.
  await h.db.updateTable('tickets').set({ due_basis: null }).where('id', '=', legacy.id).execute();
  // The calendar rows commit, then the process stops before its pass.
  await h.db.transaction().execute((trx) =>
    replaceCalendarYear(trx, h.county.countyId, 2027, ['2027-01-01', '2027-01-02', '2027-01-03'].map((day) => ({ day, kind: 'holiday' as const, note: null })), 'test'),
  );
  h.services.settings.invalidate(h.county.countyId);
  const redis = new Redis(REDIS_URL);
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, { connection: redisOptions(REDIS_URL), prefix: `test${randomBytes(4).toString('hex')}` });
  t.teardown(async () => {
    await deadlines.obliterate({ force: true });
    await deadlines.close();
    redis.disconnect();
  });
  const swept = await sweep(h.services, deadlines, redis, `${deadlines.opts.prefix}:timers-sentinel`, pino({ level: 'silent' }));
  t.equal(swept.deadlinesRecomputed, 1);
  t.equal((await detail(h, kept.id)).dueAt, '2027-01-05T16:00:00.000Z', 'worked out on the loaded calendar');
  t.equal((await detail(h, legacy.id)).dueAt, '2027-01-04T16:00:00.000Z', 'no basis: the guess stays');
  const status = (await h.app.inject({ method: 'GET', url: '/v1/calendar/status', headers: await h.auth('admin') })).json();
  t.equal(status.openTicketsOnPlainWeekdays, 1, 'and stays reported until its next state');
  const again = await sweep(h.services, deadlines, redis, `${deadlines.opts.prefix}:timers-sentinel`, pino({ level: 'silent' }));
  t.equal(again.deadlinesRecomputed, 0, 'the next sweep has nothing left to do');
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
