// What every use case needs: the database, the clock (injected so tests never wait), county settings.
import type { Logger } from 'pino';
import { chineseDaysCalendar } from '../engine/work-calendar.js';
import type { Db } from '../store/db.js';
import { CountySettingsCache } from './county-settings.service.js';

export interface ServiceContext {
  db: Db;
  now: () => Date;
  /** Time limits and calendar per county. */
  settings: CountySettingsCache;
  /** For warnings no caller can act on (a deadline on an uncovered calendar year). */
  log?: Logger;
}

export function createServiceContext(db: Db, options: { now?: () => Date; log?: Logger } = {}): ServiceContext {
  return { db, now: options.now ?? (() => new Date()), settings: new CountySettingsCache(chineseDaysCalendar()), log: options.log };
}

export type StaffActor = { kind: 'staff'; staffId: string; countyId: string };
