// What every use case needs: the database, the clock (injected so tests never wait) and the calendar.
import type { WorkCalendar } from '../engine/work-calendar.js';
import type { Db } from '../store/db.js';

export interface ServiceContext {
  db: Db;
  now: () => Date;
  calendar: WorkCalendar;
}

export type StaffActor = { kind: 'staff'; staffId: string; countyId: string };
