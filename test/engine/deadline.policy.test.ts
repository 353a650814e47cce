// Due times (DESIGN.md §4): same day, hours and working days on the chinese-days calendar with 调休, the 80 % warning, years without data.
import t from 'tap';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { computeDue, DEFAULT_LIMITS, ESCALATION_LIMITS, type TimeLimit } from '../../src/engine/deadline.policy.js';
import { chineseDaysCalendar, WorkCalendar } from '../../src/engine/work-calendar.js';

const calendar = chineseDaysCalendar();
/** A Beijing wall-clock time (UTC+8, no daylight saving). */
const bj = (local: string): Date => new Date(`${local}+08:00`);
/** The end of a Beijing day, i.e. 24:00 local = 16:00Z. */
const endOf = (day: string): Date => bj(`${day}T24:00:00`);
const workdays = (value: number): TimeLimit => ({ unit: 'workdays', value });

t.test('the package data says what the tests below assume about National Day 2025', async (t) => {
  for (const day of ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08']) {
    t.ok(day in chineseDays.holidays, `${day} is a holiday in chinese-days`);
    t.notOk(calendar.isWorkday(day), `${day} is off`);
  }
  for (const day of ['2025-09-28', '2025-10-11']) {
    t.ok(day in chineseDays.workdays, `${day} is a make-up workday in chinese-days`);
    t.ok(calendar.isWorkday(day), `${day} is worked (调休)`);
  }
  t.equal(new Date('2025-09-28T00:00:00Z').getUTCDay(), 0, '2025-09-28 is a Sunday');
  t.equal(new Date('2025-10-11T00:00:00Z').getUTCDay(), 6, '2025-10-11 is a Saturday');
  t.notOk(calendar.isWorkday('2025-09-27'), 'an ordinary Saturday is off');
  t.ok(calendar.isWorkday('2025-10-09'), 'the Thursday after the holiday is worked');
  t.ok(calendar.covers(2025) && calendar.covers(2026), '2025 and 2026 have data');
  t.notOk(calendar.covers(2027), '2027 has none');
});

t.test('same day (即办): due at 24:00 Beijing time of the day of entry', async (t) => {
  const morning = computeDue({ unit: 'sameDay' }, bj('2025-09-26T10:00:00'), calendar);
  t.same(morning.dueAt, new Date('2025-09-26T16:00:00Z'));
  t.equal(morning.uncovered, false);

  const lateEvening = computeDue({ unit: 'sameDay' }, bj('2025-09-26T23:30:00'), calendar);
  t.same(lateEvening.dueAt, new Date('2025-09-26T16:00:00Z'), '23:30 still belongs to that day');

  // 00:30 Beijing is still the previous day in UTC; the Beijing day is what counts.
  const afterMidnight = computeDue({ unit: 'sameDay' }, new Date('2025-09-26T16:30:00Z'), calendar);
  t.same(afterMidnight.dueAt, new Date('2025-09-27T16:00:00Z'), '00:30 Beijing is the next day');

  const onHoliday = computeDue({ unit: 'sameDay' }, bj('2025-10-02T09:00:00'), calendar);
  t.same(onHoliday.dueAt, endOf('2025-10-02'), 'same day does not look at the calendar');
});

t.test('24 hours (代办): clock hours, holidays or not', async (t) => {
  const limit = DEFAULT_LIMITS.proxy;
  t.same(limit, { unit: 'hours', value: 24 }, 'the proxy default is 24 hours');
  if (!limit) return;
  const due = computeDue(limit, bj('2025-09-30T15:20:00'), calendar);
  t.same(due.dueAt, bj('2025-10-01T15:20:00'), 'into the National Day holiday');
  t.equal(due.uncovered, false);
});

t.test('working days across the 2025 National Day week', async (t) => {
  const friday = computeDue(workdays(1), bj('2025-09-26T10:00:00'), calendar);
  t.same(friday.dueAt, endOf('2025-09-28'), 'Friday + 1 working day is the make-up Sunday 2025-09-28');
  t.equal(friday.uncovered, false);

  const fridayNight = computeDue(workdays(1), bj('2025-09-26T23:59:00'), calendar);
  t.same(fridayNight.dueAt, endOf('2025-09-28'), 'late Friday counts from Friday');

  const sunday = computeDue(workdays(1), bj('2025-09-28T09:00:00'), calendar);
  t.same(sunday.dueAt, endOf('2025-09-29'), 'entered on the make-up Sunday: due Monday');

  const beforeHoliday = computeDue(workdays(1), bj('2025-09-30T10:00:00'), calendar);
  t.same(beforeHoliday.dueAt, endOf('2025-10-09'), 'the day before the holiday: due the first day back');

  const inProgress = DEFAULT_LIMITS['joint.inProgress'];
  t.same(inProgress, workdays(5), 'joint handling defaults to 5 working days');
  if (!inProgress) return;
  // 10-09 Thu, 10-10 Fri, 10-11 Sat (make-up), 10-13 Mon, 10-14 Tue.
  const five = computeDue(inProgress, bj('2025-09-30T10:00:00'), calendar);
  t.same(five.dueAt, endOf('2025-10-14'), '5 working days from 2025-09-30 count Saturday 2025-10-11');

  const duringHoliday = computeDue(workdays(3), bj('2025-10-03T11:00:00'), calendar);
  t.same(duringHoliday.dueAt, endOf('2025-10-11'), 'entered during the holiday: 10-09, 10-10, 10-11');

  const town = computeDue(ESCALATION_LIMITS.town, bj('2025-09-29T10:00:00'), calendar);
  t.same(town.dueAt, endOf('2025-10-09'), 'town escalation: 2 working days (09-30, 10-09)');
  const county = computeDue(ESCALATION_LIMITS.county, bj('2025-09-29T10:00:00'), calendar);
  t.same(county.dueAt, endOf('2025-10-10'), 'county escalation: 3 working days (09-30, 10-09, 10-10)');
});

t.test('warning (黄牌) at 80 % of the time limit', async (t) => {
  const from = bj('2025-09-30T10:00:00');
  const hours = computeDue({ unit: 'hours', value: 24 }, from, calendar);
  t.same(hours.warnAt, new Date(from.getTime() + 0.8 * 24 * 3600_000), '24 h → warned after 19.2 h');

  const sameDay = computeDue({ unit: 'sameDay' }, bj('2025-09-26T08:00:00'), calendar);
  t.same(sameDay.warnAt, bj('2025-09-26T20:48:00'), '08:00 → 24:00, warned at 20:48');

  const five = computeDue(workdays(5), from, calendar);
  const span = five.dueAt.getTime() - from.getTime();
  t.equal(five.warnAt.getTime() - from.getTime(), Math.round(span * 0.8), 'working days: 80 % of the elapsed span');
  t.ok(five.warnAt > from && five.warnAt < five.dueAt, 'between entry and due');

  const half = computeDue({ unit: 'hours', value: 10 }, from, calendar, 0.5);
  t.same(half.warnAt, bj('2025-09-30T15:00:00'), 'the ratio can be chosen');
});

t.test('a year without data: plain weekdays, flagged uncovered', async (t) => {
  // 2026-12-31 Thu (2026 data), then 2027 with no data: Fri 2027-01-01 counts as an ordinary weekday.
  const due = computeDue(workdays(3), bj('2026-12-30T10:00:00'), calendar);
  t.same(due.dueAt, endOf('2027-01-04'), '12-31, 01-01, 01-04 (weekend skipped)');
  t.equal(due.uncovered, true);

  const inside = computeDue(workdays(1), bj('2026-12-30T10:00:00'), calendar);
  t.same(inside.dueAt, endOf('2026-12-31'));
  t.equal(inside.uncovered, false, 'a deadline that stays in 2026 is covered');

  const deep = computeDue(workdays(5), bj('2027-03-01T09:00:00'), calendar);
  t.same(deep.dueAt, endOf('2027-03-08'), 'Mon 2027-03-01 + 5 weekdays');
  t.equal(deep.uncovered, true);
});

t.test('a WorkCalendar with extra 2027 data is covered and honours it', async (t) => {
  const extended = new WorkCalendar({
    holidays: [...Object.keys(chineseDays.holidays), '2027-01-01'],
    workdays: [...Object.keys(chineseDays.workdays), '2027-01-09'],
    years: [...new Set(Object.keys(chineseDays.holidays).map((d) => Number(d.slice(0, 4)))), 2027],
  });
  t.ok(extended.covers(2027));

  const due = computeDue(workdays(3), bj('2026-12-30T10:00:00'), extended);
  t.same(due.dueAt, endOf('2027-01-05'), '12-31, (01-01 off), 01-04, 01-05');
  t.equal(due.uncovered, false);

  // Thu 01-07, Fri 01-08, Sat 01-09 is a make-up workday in this data.
  const makeUp = computeDue(workdays(3), bj('2027-01-06T10:00:00'), extended);
  t.same(makeUp.dueAt, endOf('2027-01-09'));
  t.equal(makeUp.uncovered, false);

  const stillNational = computeDue(workdays(5), bj('2025-09-30T10:00:00'), extended);
  t.same(stillNational.dueAt, endOf('2025-10-14'), 'the official data still applies');
});
