// Working days on the Chinese statutory calendar (holidays and make-up workdays, 调休).
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

export interface CalendarData {
  /** YYYY-MM-DD days off that would otherwise be weekdays. */
  holidays: Iterable<string>;
  /** YYYY-MM-DD make-up workdays that would otherwise be weekends. */
  workdays: Iterable<string>;
  /** Years whose official schedule is known; other years fall back to plain Mon-Fri. */
  years: Iterable<number>;
}

export class WorkCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly workdays: ReadonlySet<string>;
  private readonly years: ReadonlySet<number>;

  constructor(data: CalendarData) {
    this.holidays = new Set(data.holidays);
    this.workdays = new Set(data.workdays);
    this.years = new Set(data.years);
  }

  /** This calendar with a county's own days on top: its closures, make-up days and loaded years. */
  withOverrides(days: ReadonlyArray<{ day: string; kind: 'holiday' | 'workday' }>, years: Iterable<number>): WorkCalendar {
    const holidays = new Set(this.holidays);
    const workdays = new Set(this.workdays);
    for (const { day, kind } of days) {
      (kind === 'holiday' ? holidays : workdays).add(day);
      (kind === 'holiday' ? workdays : holidays).delete(day);
    }
    return new WorkCalendar({ holidays, workdays, years: new Set([...this.years, ...years]) });
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  isWorkday(day: string): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
}

const yearOf = (day: string): number => Number(day.slice(0, 4));

/** The calendar shipped by `chinese-days` (its data stops at 2026). */
export function chineseDaysCalendar(): WorkCalendar {
  const holidays = Object.keys(chineseDays.holidays);
  const workdays = Object.keys(chineseDays.workdays);
  const years = new Set([...holidays, ...workdays].map(yearOf));
  return new WorkCalendar({ holidays, workdays, years });
}
