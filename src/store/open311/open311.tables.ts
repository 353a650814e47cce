// Row types of the Open311 tables (request records, residents' comments, unit locations), part of the Database interface.
import type { ColumnType, JSONColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type RoutedBy = 'household' | 'unit' | 'location' | 'address' | 'triage';

/** What an Open311 client sent beside the ticket it became: contact data, location, attributes. */
export interface Open311RequestsTable {
  ticket_id: string;
  county_id: string;
  /** The integration account that filed it. */
  client_id: string;
  token_id: string;
  service_code: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  device_id: string | null;
  account_id: string | null;
  media_url: string | null;
  address_string: string | null;
  address_id: string | null;
  lat: number | null;
  long: number | null;
  /** attribute[code] values as sent (a list for multivaluelist). */
  attributes: JSONColumnType<Record<string, string | string[]>, string, string>;
  /** How the place was found: the household or unit named, a located unit, the address's unit, or triage. */
  routed_by: RoutedBy;
  created_at: Timestamp;
}

/** Who wrote a comment that a client posted (its text is the COMMENT event). */
export interface Open311CommentsTable {
  event_id: string;
  county_id: string;
  ticket_id: string;
  client_id: string;
  client_update_id: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  media_url: string | null;
  reported_status: string | null;
  created_at: Timestamp;
}

export interface Open311PlacesTable {
  unit_id: string;
  county_id: string;
  lat: number;
  long: number;
  updated_at: Timestamp;
}

export type Open311RequestRow = Selectable<Open311RequestsTable>;
export type Open311CommentRow = Selectable<Open311CommentsTable>;
export type Open311PlaceRow = Selectable<Open311PlacesTable>;
