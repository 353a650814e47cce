// Row type of the offline sync records: one per staff member and client-generated id.
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** `visit_ticket`: a ticket a synced visit opened, recorded under the client id the device gave it. */
export type SyncKind = 'visit' | 'visit_ticket' | 'ticket' | 'event';
export type SyncOutcome = 'applied' | 'refused';

export interface SyncRecordsTable {
  county_id: string;
  staff_id: string;
  client_id: string;
  device_id: string | null;
  kind: SyncKind;
  outcome: SyncOutcome;
  /** A refusal's error code and message, answered again to a retry. */
  code: string | null;
  message: string | null;
  /** Hash of the item as sent: the same client id with another item is refused. Null for a visit's tickets. */
  request_hash: string | null;
  ticket_id: string | null;
  visit_id: string | null;
  /** The ticket's version after the item: 1 for a new ticket, the event's version for an event. */
  version: number | null;
  /** The device's clock when the item was made offline, beside the server's `received_at`. */
  device_time: Timestamp;
  received_at: Timestamp;
}

export type SyncRecord = Selectable<SyncRecordsTable>;
export type NewSyncRecord = Insertable<SyncRecordsTable>;
export type SyncRecordPatch = Updateable<SyncRecordsTable>;
