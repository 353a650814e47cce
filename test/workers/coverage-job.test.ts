// The stored coverage report job: one report per town and period past its grace, late visits in, equal to the live report, stored once, caught up.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import pino from 'pino';
import { REDIS_URL, type TestApp } from '../helper.js';
import { coverageCounty, get, zero } from '../api/coverage-fixture.js';
import { coverageProcessor } from '../../src/workers/processors/coverage.processor.js';
import { storeEndedReports } from '../../src/services/coverage-report.service.js';
import { startWorkers } from '../../src/workers/index.js';
import { COVERAGE_CATCH_UP_JOB_ID, QUEUE, redisOptions } from '../../src/workers/queues.js';

const silent = pino({ level: 'silent' });
const HALF = { zh: '按半月（1–15日、16日–月末）', en: 'Half-monthly (1st–15th, 16th–end of month)' };
const MONTH = { zh: '按月', en: 'Monthly' };

/** A coverage queue of the test's own, a real worker on it; `run()` runs the job at the test clock and returns what it stored. */
async function harness(t: Test, h: TestApp) {
  const settings = { connection: redisOptions(REDIS_URL), prefix: `covtest${randomBytes(4).toString('hex')}` };
  const queue = new Queue(QUEUE.coverage, settings);
  const events = new QueueEvents(QUEUE.coverage, settings);
  const worker = new Worker(QUEUE.coverage, coverageProcessor(h.services, silent), { ...settings, concurrency: 1 });
  await events.waitUntilReady();
  t.teardown(async () => {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
  let n = 0;
  const run = async (): Promise<Array<{ townId: string; period: { kind: string; from: string; to: string } }>> => {
    const job = await queue.add('coverage-reports', {}, { jobId: `run-${(n += 1)}` });
    return job.waitUntilFinished(events);
  };
  return { run };
}

const reportsOf = async (t: Test, h: TestApp, user: string, unit: string) => {
  const res = await get(h, user, `/v1/coverage/reports?unitId=${h.county.units[unit]}`);
  t.equal(res.statusCode, 200, res.body);
  return res.json().reports as Array<{ id: string; period: { kind: string; from: string; to: string }; cadres: number; flagged: number }>;
};

t.test('a period is filed once its 3 grace days have passed, with the visits synced late, equal to the live report', async (t) => {
  const { h, two, b, firstHalf, secondHalf, setPeriod } = await coverageCounty(t);
  t.equal((await setPeriod('town-1', 'half_month')).statusCode, 200);
  await firstHalf();
  await secondHalf();
  const { run } = await harness(t, h);

  h.clock.set('2026-11-30T16:30:00Z'); // 1 December 00:30 Beijing time, when the scheduler fires
  t.same((await run()).map((r) => [r.townId, r.period.kind, r.period.to]), [
    [h.county.units['town-1'], 'half_month', '2026-11-15T16:00:00.000Z'],
    [h.county.units['town-2'], 'month', '2026-10-31T16:00:00.000Z'],
  ], 'the half month and the month that just ended are in their grace: each town files only the last period past it');

  // 王包联 visited hh0 on 30 November at 22:00 in the mountains, out of signal, and syncs it the next morning.
  h.clock.set('2026-12-01T01:00:00Z');
  const late = await h.app.inject({
    method: 'POST',
    url: '/v1/sync',
    headers: await h.auth('cadre'),
    payload: { items: [{ kind: 'visit', clientId: 'late-1', deviceTime: '2026-11-30T14:00:00.000Z', householdId: h.county.households[0], channel: 'in_person', confirmationCode: '7777' }] },
  });
  t.match(late.json(), { results: [{ clientId: 'late-1', status: 'applied' }] }, late.body);

  h.clock.set('2026-12-03T15:59:00Z'); // 3 December 23:59 Beijing time: an hourly catch-up run
  t.same(await run(), [], 'still inside the grace on 3 December: nothing filed');

  h.clock.set('2026-12-03T16:30:00Z'); // 4 December 00:30 Beijing time
  t.same((await run()).map((r) => [r.townId, r.period.kind, r.period.from, r.period.to]), [
    [h.county.units['town-1'], 'half_month', '2026-11-15T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
    [h.county.units['town-2'], 'month', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
  ], 'the second half of November (青山镇) and November (白水镇), on the night of 3–4 December');

  const [listed, earlier, ...older] = await reportsOf(t, h, 'dispatcher', 'town-1');
  t.same(older, [], 'two reports for the town');
  t.match(listed, { period: { kind: 'half_month', label: HALF, from: '2026-11-15T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' }, cadres: 2, flagged: 0 });
  t.match(earlier, { period: { kind: 'half_month', from: '2026-10-31T16:00:00.000Z', to: '2026-11-15T16:00:00.000Z' }, cadres: 2, flagged: 1 });
  const report = (await get(h, 'dispatcher', `/v1/coverage/reports/${listed?.id}`)).json();
  const wang = {
    cadreId: h.county.staff.cadre, name: '王包联（包联干部）', ...zero,
    residentTotal: 2, residentVisited: 2, migrantTotal: 1, keyTotal: 1, keyVisited: 1, neverReached: 1, unconfirmedVisits: 1, rate: 1, flagged: false,
  };
  const cadreTwo = { cadreId: two.id, name: 'cadre-two', ...zero, residentTotal: 1, residentVisited: 1, migrantTotal: 1, neverReached: 1, rate: 1, flagged: false };
  t.same(report.cadres, [cadreTwo, wang], 'hand count: 王包联 confirmed hh2 by photo and hh0 on the last evening, synced late; cadre-two confirmed hh4 (an uncontacted migrant does not flag)');
  t.same(report.flagged, [], 'the late visit unflags 王包联');
  const live = (await get(h, 'dispatcher', `/v1/coverage?unitId=${h.county.units['town-1']}&from=2026-11-15T16:00:00.000Z&to=2026-11-30T16:00:00.000Z`)).json();
  t.same(report.cadres.map(({ flagged: _, ...figures }: { flagged: boolean }) => figures), live.cadres, 'the live report for the same period says the same');

  const [town2] = await reportsOf(t, h, 'town2-office', 'town-2');
  const report2 = (await get(h, 'county-supervisor', `/v1/coverage/reports/${town2?.id}`)).json();
  t.same(report2.period, { kind: 'month', label: MONTH, from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
  t.same(report2.flagged, [{ cadreId: b.id, name: 'cadre-b', ...zero, residentTotal: 3, residentVisited: 2, neverReached: 1, rate: 2 / 3, flagged: true }], 'hh10 was never visited');

  h.clock.set('2026-12-03T17:30:00Z');
  t.same(await run(), [], 'run twice: nothing new');
  const count = await h.db.selectFrom('coverage_reports').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  t.equal(Number(count.n), 4, 'stored once');

  // Who reads what.
  const mine = (await get(h, 'cadre', '/v1/coverage/me')).json();
  t.same(mine.reports.map((r: { period: { kind: string }; residentVisited: number; flagged: boolean }) => [r.period.kind, r.residentVisited, r.flagged]), [
    ['half_month', 2, false],
    ['half_month', 1, true],
  ], "a cadre's own figures, newest first: hh2 was not visited in the first half");
  t.equal((await get(h, 'dispatcher', '/v1/coverage/me')).json().code, 'forbidden', 'only cadres have figures of their own');
  const village = (await get(h, 'village', `/v1/coverage/reports/${listed?.id}`)).json();
  t.same(village.cadres.map((c: { name: string }) => c.name), ['王包联（包联干部）'], "a village secretary reads their own village's cadres");
  t.match(await reportsOf(t, h, 'village', 'village-1-1'), [{ id: listed?.id, cadres: 1, flagged: 0 }, { id: earlier?.id, cadres: 1, flagged: 1 }]);
  t.equal((await get(h, 'town2-office', `/v1/coverage/reports/${listed?.id}`)).json().code, 'not_found', "another town's report does not exist for them");
  t.equal((await get(h, 'cadre', `/v1/coverage/reports/${listed?.id}`)).json().code, 'forbidden');
  t.equal((await get(h, 'town2-office', `/v1/coverage/reports?unitId=${h.county.units['town-1']}`)).json().code, 'outside_jurisdiction');
  t.equal((await get(h, 'county-supervisor', `/v1/coverage/reports?unitId=${h.county.units.county}`)).json().code, 'invalid_payload', 'reports are per town');
});

t.test('a worker down over two filing nights catches up both when it comes back', async (t) => {
  const { h, firstHalf, secondHalf, setPeriod } = await coverageCounty(t);
  await setPeriod('town-1', 'half_month');
  await firstHalf();
  const { run } = await harness(t, h);
  h.clock.set('2026-11-18T16:30:00Z'); // 19 November 00:30 Beijing time, 3 days after the first half ended
  t.same((await run()).map((r) => r.period.to), ['2026-11-15T16:00:00.000Z', '2026-10-31T16:00:00.000Z'], 'first half of November; October for the month town');
  await secondHalf();

  h.clock.set('2026-12-19T03:00:00Z'); // down from 19 November to 19 December
  const stored = await run();
  t.same(stored.map((r) => [r.townId, r.period.from, r.period.to]), [
    [h.county.units['town-1'], '2026-11-15T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
    [h.county.units['town-1'], '2026-11-30T16:00:00.000Z', '2026-12-15T16:00:00.000Z'],
    [h.county.units['town-2'], '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
  ], 'both half months missed, and November');
  const list = await reportsOf(t, h, 'dispatcher', 'town-1');
  t.same(list.map((r) => [r.period.from, r.flagged]), [
    ['2026-11-30T16:00:00.000Z', 2],
    ['2026-11-15T16:00:00.000Z', 1],
    ['2026-10-31T16:00:00.000Z', 1],
  ], 'newest first; nobody visited anyone in early December');
  const first = (await get(h, 'dispatcher', `/v1/coverage/reports/${list[2]?.id}`)).json();
  t.same(first.flagged.map((c: { name: string; residentVisited: number; migrantContacted: number }) => [c.name, c.residentVisited, c.migrantContacted]), [
    ['王包联（包联干部）', 1, 1],
  ], 'first half: hh0 confirmed, hh1 contacted by phone, hh2 not yet');
  t.same(await run(), [], 'and nothing twice');

  // Two workers at once (a duplicate job, a restart racing the scheduler): each period is stored by one of them.
  h.clock.set('2027-01-03T16:30:00Z'); // 4 January 00:30 Beijing time
  const [a, b] = await Promise.all([storeEndedReports(h.services), storeEndedReports(h.services)]);
  t.equal(a.length + b.length, 2, 'the second half of December (青山镇) and December (白水镇), each once');
  const rows = await h.db.selectFrom('coverage_reports').select(['town_id', 'period_from']).execute();
  t.equal(new Set(rows.map((r) => `${r.town_id} ${r.period_from.toISOString()}`)).size, rows.length, 'no period twice');
  t.equal(rows.length, 7);

  // The grace is the service's parameter: with none, a period is filed as soon as it ends.
  h.clock.set('2027-01-15T16:30:00Z'); // 16 January 00:30 Beijing time
  t.same(await storeEndedReports(h.services, silent), [], 'the first half of January is in its grace');
  t.same((await storeEndedReports(h.services, silent, { graceDays: 0 })).map((r) => [r.townId, r.period.to.toISOString()]), [
    [h.county.units['town-1'], '2027-01-15T16:00:00.000Z'],
  ], 'without a grace it is filed at once');
});

t.test('the workers register the daily scheduler at 00:30 Beijing time and catch up at start', async (t) => {
  const { h } = await coverageCounty(t);
  const settings = { connection: redisOptions(REDIS_URL), prefix: `covtest${randomBytes(4).toString('hex')}` };
  const queue = new Queue(QUEUE.coverage, settings);
  const events = new QueueEvents(QUEUE.coverage, settings);
  await events.waitUntilReady();
  t.teardown(async () => {
    await events.close();
    for (const name of Object.values(QUEUE)) {
      const q = new Queue(name, settings);
      await q.obliterate({ force: true });
      await q.close();
    }
    await queue.close();
  });
  h.clock.set('2026-11-30T16:05:00Z'); // 1 December 00:05 Beijing time, November just ended
  const caughtUp = new Promise<void>((resolve) => events.on('completed', ({ jobId }) => jobId === COVERAGE_CATCH_UP_JOB_ID && resolve()));
  const stop = startWorkers({ services: h.services, queues: settings, log: silent, relayIntervalMs: 60_000, sweepEveryMs: 60_000 });
  await caughtUp;
  await stop();
  t.match(await queue.getJobSchedulers(), [{ key: 'coverage-reports', pattern: '30 0 * * *', tz: 'Asia/Shanghai' }]);
  const reports = await h.db.selectFrom('coverage_reports').select(['town_id', 'period_kind', 'period_to']).orderBy('town_id').execute();
  t.same(reports.map((r) => [r.period_kind, r.period_to.toISOString()]), [
    ['month', '2026-10-31T16:00:00.000Z'],
    ['month', '2026-10-31T16:00:00.000Z'],
  ], 'a fresh start minutes after midnight stores October at once, not November: it is in its grace');
});
