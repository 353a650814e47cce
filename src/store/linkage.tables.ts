// Row types of the linkage (包联), cadre status and visit (民情日志) tables.
import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export const CADRE_STATUSES = ['on_duty', 'in_village', 'training', 'meeting'] as const;
export type CadreStatus = (typeof CADRE_STATUSES)[number];
export const KEY_TAGS = ['industry', 'flood_risk', 'dispute', 'low_income', 'left_behind'] as const;
export type KeyTag = (typeof KEY_TAGS)[number];
export type HouseholdKind = 'resident' | 'migrant';
export type VisitChannel = 'in_person' | 'phone' | 'wechat';
export type MustAttend = 'emergency' | 'dispute' | 'wedding_funeral';

export interface HouseholdLinksTable {
  id: string;
  county_id: string;
  household_id: string;
  cadre_id: string;
  valid_from: Timestamp;
  /** Null while active; at most one active row per household (partial unique index). */
  valid_to: Timestamp | null;
  linked_by: string | null;
}

export interface CadreStatusesTable {
  staff_id: string;
  county_id: string;
  status: CadreStatus;
  set_at: Timestamp;
}

export interface VisitsTable {
  id: string;
  county_id: string;
  cadre_id: string;
  household_id: string;
  visited_at: Timestamp;
  channel: VisitChannel;
  notes: string;
  confirmation_code: string | null;
  photo_ref: string | null;
  confirmed: boolean;
  must_attend: MustAttend | null;
  device_time: Timestamp | null;
  client_id: string | null;
  /** Tickets opened in the same request (and transaction) as the visit. */
  ticket_ids: string[];
  created_at: Timestamp;
}

export type HouseholdLink = Selectable<HouseholdLinksTable>;
export type Visit = Selectable<VisitsTable>;
export type NewVisit = Insertable<VisitsTable>;
