// The one Database interface: every table's row type, as Kysely sees it.
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { DueBasis } from '../engine/deadline.policy.js';
import type { StoredSnapshot } from '../engine/ticket.lifecycle.js';
import type { AccessLogTable, ApiTokensTable, AuthSessionsTable, RefreshTokensTable } from './access.tables.js';
import type { CadreStatusesTable, HouseholdKind, HouseholdLinksTable, KeyTag, VisitsTable } from './linkage.tables.js';
import type { SyncRecordsTable } from './sync.tables.js';
import type { CoveragePeriodsTable, CoverageReportRowsTable, CoverageReportsTable } from './coverage-reports.tables.js';
import type { CountyCategoriesTable } from './categories.tables.js';
import type { Open311CommentsTable, Open311PlacesTable, Open311RequestsTable } from './open311/open311.tables.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type UnitKind = 'county' | 'town' | 'village' | 'group' | 'department';

export interface UnitsTable {
  id: string;
  county_id: string;
  parent_id: string | null;
  kind: UnitKind;
  code: string;
  name: string;
  /** ltree of unit ids (dashes removed) from the county down. */
  path: string;
  created_at: CreatedAt;
}

export interface StaffTable {
  id: string;
  county_id: string;
  unit_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  active: ColumnType<boolean, boolean | undefined, boolean>;
  /** Consecutive failed logins; reset by a successful one. */
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

export interface HouseholdsTable {
  id: string;
  county_id: string;
  unit_id: string;
  head_name: string;
  phone: string | null;
  /** Resident ID card number (身份证号); shown masked, read in full only through the access log. */
  id_number: ColumnType<string | null, string | null | undefined, string | null>;
  address: string | null;
  /** 外出户 (migrant) households are contacted by phone or WeChat. */
  kind: ColumnType<HouseholdKind, HouseholdKind | undefined, HouseholdKind>;
  /** 五必访 key-household tags. */
  key_tags: ColumnType<KeyTag[], KeyTag[] | undefined, KeyTag[]>;
  /** The county's own household number (CSV import upserts by it); unique per county, null when entered by hand. */
  code: ColumnType<string | null, string | null | undefined, string | null>;
  /** The active 包联 cadre, kept from household_links by database triggers (never written by the application). */
  cadre_id: ColumnType<string | null, never, never>;
  /** Latest confirmed visit by anyone, and by the present cadre; kept from visits by database triggers. */
  confirmed_at: ColumnType<Date | null, never, never>;
  own_confirmed_at: ColumnType<Date | null, never, never>;
  created_at: CreatedAt;
}

export interface TicketCountersTable {
  county_id: string;
  year: number;
  last_value: number;
}

export interface TicketsTable {
  id: string;
  county_id: string;
  number: string;
  unit_id: string;
  unit_path: string;
  household_id: string | null;
  category: string;
  priority: string;
  description: string;
  source: string;
  mode: string | null;
  state: string;
  snapshot: JSONColumnType<StoredSnapshot, string, string>;
  machine_version: number;
  level: string;
  warned: boolean;
  overdue: boolean;
  due_at: Timestamp | null;
  warn_at: Timestamp | null;
  lead_unit_id: string | null;
  co_unit_ids: string[];
  reopen_count: number;
  /** Deadline clock of the snapshot, kept as a column for the reconcile sweep's job ids. */
  clock: ColumnType<number, number | undefined, number>;
  /** When the current state was entered. */
  entered_at: Timestamp;
  /** Set while the clock is paused (waiting on the resident). */
  paused_at: Timestamp | null;
  /** Total time spent paused, excluded from the whole-ticket clock. */
  paused_ms: ColumnType<string, number | undefined, number>;
  /** The deadline was computed on plain weekdays: its year has no calendar data. */
  due_uncovered: ColumnType<boolean, boolean | undefined, boolean>;
  /** While due_uncovered: what the deadline was worked out from, to work it out again once its year is loaded. */
  due_basis: ColumnType<DueBasis | null, string | null | undefined, string | null>;
  version: number;
  created_by: string;
  /** The handling cadre: the household's linked cadre at registration, moved when it is re-linked. */
  cadre_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface TicketEventsTable {
  id: Generated<string>;
  county_id: string;
  ticket_id: string;
  version: number;
  type: string;
  actor_kind: 'staff' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  payload: JSONColumnType<Record<string, unknown>, string, never>;
  from_state: string | null;
  to_state: string;
  level: string;
  created_at: Timestamp;
}

export type OutboxTopic = 'deadline' | 'notification' | 'agenda';

export interface OutboxTable {
  id: Generated<string>;
  county_id: string;
  ticket_id: string | null;
  topic: OutboxTopic;
  job_id: string;
  payload: JSONColumnType<Record<string, unknown>, string, never>;
  run_at: Timestamp;
  created_at: CreatedAt;
  relayed_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  county_id: string;
  staff_id: string;
  key: string;
  request_hash: string;
  ticket_id: string;
  created_at: CreatedAt;
}

export type LimitUnit = 'hours' | 'workdays' | 'sameDay';

export interface TimeLimitPoliciesTable {
  id: Generated<string>;
  county_id: string;
  state: string;
  category: string | null;
  priority: string | null;
  unit: LimitUnit;
  /** numeric: pg returns it as a string. */
  value: ColumnType<string | null, number | null, number | null>;
  warning_ratio: ColumnType<string, number | undefined, number>;
  updated_at: CreatedAt;
}

export interface EscalationStepsTable {
  county_id: string;
  level: 'town' | 'county';
  unit: 'hours' | 'workdays';
  value: ColumnType<string, number, number>;
}

export interface CalendarDaysTable {
  county_id: string;
  /** date: read back as YYYY-MM-DD (see db.ts type parser). */
  day: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export interface CalendarYearsTable {
  county_id: string;
  year: number;
  source: string;
  loaded_at: ColumnType<Date, Date | undefined, Date>;
}

export interface NotificationFailuresTable {
  id: Generated<string>;
  county_id: string;
  ticket_id: string | null;
  /** The queue job's id: one row per job, however often it is recorded. */
  job_id: string;
  audience: string;
  topic: string;
  attempts: number;
  last_error: string;
  failed_at: Timestamp;
}

export interface Database {
  time_limit_policies: TimeLimitPoliciesTable;
  escalation_steps: EscalationStepsTable;
  calendar_days: CalendarDaysTable;
  calendar_years: CalendarYearsTable;
  units: UnitsTable;
  staff: StaffTable;
  households: HouseholdsTable;
  ticket_counters: TicketCountersTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  notification_failures: NotificationFailuresTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  api_tokens: ApiTokensTable;
  access_log: AccessLogTable;
  household_links: HouseholdLinksTable;
  cadre_statuses: CadreStatusesTable;
  visits: VisitsTable;
  sync_records: SyncRecordsTable;
  coverage_periods: CoveragePeriodsTable;
  coverage_reports: CoverageReportsTable;
  coverage_report_rows: CoverageReportRowsTable;
  county_categories: CountyCategoriesTable;
  open311_requests: Open311RequestsTable;
  open311_comments: Open311CommentsTable;
  open311_places: Open311PlacesTable;
}

export type Unit = Selectable<UnitsTable>;
export type Staff = Selectable<StaffTable>;
export type Household = Selectable<HouseholdsTable>;
export type Ticket = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketEventRow = Selectable<TicketEventsTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type NotificationFailure = Selectable<NotificationFailuresTable>;
export type NewNotificationFailure = Insertable<NotificationFailuresTable>;
