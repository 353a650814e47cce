// Coverage periods: month ends, February, the 15th/16th boundary, Beijing midnight against UTC and the filing grace.
import t from 'tap';
import { filingCutoff, lastEndedPeriod, nextPeriod, periodContaining, periodsEndedBetween, previousPeriod, type Period } from '../../src/engine/coverage-period.js';

const iso = (p: Period) => ({ kind: p.kind, from: p.from.toISOString(), to: p.to.toISOString() });
const at = (s: string) => new Date(s);

t.test('a month runs from the 1st 00:00 Beijing time (16:00 UTC the day before) to the next 1st', async (t) => {
  t.same(iso(periodContaining(at('2026-11-23T02:00:00Z'), 'month')), { kind: 'month', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
  t.same(iso(periodContaining(at('2026-12-31T15:59:59.999Z'), 'month')), { kind: 'month', from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
  t.same(
    iso(periodContaining(at('2026-12-31T16:00:00Z'), 'month')),
    { kind: 'month', from: '2026-12-31T16:00:00.000Z', to: '2027-01-31T16:00:00.000Z' },
    'New Year in Beijing while it is still 31 December in UTC',
  );
});

t.test('February: 28 days, 29 in a leap year, for months and second halves', async (t) => {
  t.same(iso(periodContaining(at('2027-02-10T00:00:00Z'), 'month')), { kind: 'month', from: '2027-01-31T16:00:00.000Z', to: '2027-02-28T16:00:00.000Z' });
  t.same(iso(periodContaining(at('2028-02-29T12:00:00Z'), 'month')), { kind: 'month', from: '2028-01-31T16:00:00.000Z', to: '2028-02-29T16:00:00.000Z' });
  t.same(iso(periodContaining(at('2027-02-20T00:00:00Z'), 'half_month')), { kind: 'half_month', from: '2027-02-15T16:00:00.000Z', to: '2027-02-28T16:00:00.000Z' });
  t.same(
    iso(periodContaining(at('2028-02-29T15:00:00Z'), 'half_month')),
    { kind: 'half_month', from: '2028-02-15T16:00:00.000Z', to: '2028-02-29T16:00:00.000Z' },
    '29 February 23:00 Beijing is still in the second half',
  );
  t.same(
    iso(periodContaining(at('2028-02-29T16:00:00Z'), 'half_month')),
    { kind: 'half_month', from: '2028-02-29T16:00:00.000Z', to: '2028-03-15T16:00:00.000Z' },
    '1 March 00:00 Beijing starts the first half of March',
  );
});

t.test('the 15th belongs to the first half, the 16th to the second, at Beijing midnight', async (t) => {
  const first = { kind: 'half_month', from: '2026-10-31T16:00:00.000Z', to: '2026-11-15T16:00:00.000Z' };
  const second = { kind: 'half_month', from: '2026-11-15T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' };
  t.same(iso(periodContaining(at('2026-11-15T15:59:59.999Z'), 'half_month')), first, '15 Nov 23:59:59.999 Beijing');
  t.same(iso(periodContaining(at('2026-11-15T16:00:00Z'), 'half_month')), second, '16 Nov 00:00 Beijing, still the 15th in UTC');
  t.same(iso(periodContaining(at('2026-11-15T08:00:00Z'), 'half_month')), first, '15 Nov in both time zones');
  t.same(iso(periodContaining(at('2026-10-31T16:00:00Z'), 'half_month')), first, '1 Nov 00:00 Beijing, 31 Oct in UTC');
  t.same(iso(periodContaining(at('2026-11-30T20:00:00Z'), 'half_month')).from, '2026-11-30T16:00:00.000Z', '1 Dec 04:00 Beijing is December');
});

t.test('previous, next and the last ended period cross month and year ends', async (t) => {
  const jan = periodContaining(at('2027-01-05T00:00:00Z'), 'half_month');
  t.same(iso(previousPeriod(jan)), { kind: 'half_month', from: '2026-12-15T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
  t.same(iso(nextPeriod(jan)), { kind: 'half_month', from: '2027-01-15T16:00:00.000Z', to: '2027-01-31T16:00:00.000Z' });
  t.same(iso(previousPeriod(periodContaining(at('2027-01-05T00:00:00Z'), 'month'))), { kind: 'month', from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
  t.same(iso(lastEndedPeriod(at('2026-11-30T16:30:00Z'), 'month')), { kind: 'month', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' }, '00:30 on 1 Dec: November has ended');
  t.same(iso(lastEndedPeriod(at('2026-11-30T16:00:00Z'), 'month')).to, '2026-11-30T16:00:00.000Z', 'a period has ended at its exclusive end');
});

t.test('periods that ended between two instants, oldest first, end exclusive of the start', async (t) => {
  const ended = periodsEndedBetween(at('2026-10-31T16:00:00Z'), at('2026-12-17T00:00:00Z'), 'half_month').map(iso);
  t.same(ended.map((p) => p.to), ['2026-11-15T16:00:00.000Z', '2026-11-30T16:00:00.000Z', '2026-12-15T16:00:00.000Z']);
  t.same(periodsEndedBetween(at('2026-11-30T16:00:00Z'), at('2026-12-15T15:59:00Z'), 'half_month'), [], 'nothing ended since');
  t.same(
    periodsEndedBetween(at('2026-10-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 'month').map((p) => iso(p).from),
    ['2026-09-30T16:00:00.000Z', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
    'October to December; September ended (30 Sep 16:00 UTC) before the start',
  );
  t.same(periodsEndedBetween(at('2020-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 'month', 2).map((p) => iso(p).to), [
    '2026-11-30T16:00:00.000Z',
    '2026-12-31T16:00:00.000Z',
  ], 'a limit keeps the most recent');
});

t.test('a period is filed once its grace days have passed: November at 00:00 Beijing time on 4 December', async (t) => {
  const filed = (s: string, graceDays = 3) => iso(lastEndedPeriod(filingCutoff(at(s), graceDays), 'month')).to;
  t.equal(filed('2026-11-30T16:05:00Z'), '2026-10-31T16:00:00.000Z', '1 Dec 00:05 Beijing: November has ended but takes late visits');
  t.equal(filed('2026-12-03T15:59:59.999Z'), '2026-10-31T16:00:00.000Z', '3 Dec 23:59:59.999 Beijing: still open');
  t.equal(filed('2026-12-03T16:00:00Z'), '2026-11-30T16:00:00.000Z', '4 Dec 00:00 Beijing: November is filed');
  t.equal(filed('2026-11-30T16:00:00Z', 0), '2026-11-30T16:00:00.000Z', 'no grace: filed at its end');
  t.same(
    periodsEndedBetween(at('2026-11-30T16:00:00Z'), filingCutoff(at('2027-01-03T16:30:00Z'), 3), 'half_month').map((p) => iso(p).to),
    ['2026-12-15T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    'across the year end: both halves of December by 4 January 00:30 Beijing',
  );
});
