// Row types of the access-control tables (sessions, refresh and API tokens, access log), part of the Database interface.
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AuthSessionsTable {
  id: string;
  county_id: string;
  staff_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoke_reason: string | null;
}

export interface RefreshTokensTable {
  id: string;
  county_id: string;
  session_id: string;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** Set when the token was exchanged for a new one (rotation). */
  used_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: string;
  county_id: string;
  /** The integration account the token acts as. */
  staff_id: string;
  /** The token sees and writes only under this unit. */
  unit_id: string;
  name: string;
  /** Route keys the token may call, e.g. `POST /v1/tickets` (none for an Open311 token). */
  routes: string[];
  /** `v1`: the routes above; `open311`: only the Open311 face at /open311/v2 (docs/SECURITY.md). */
  scope: ColumnType<ApiTokenScope, ApiTokenScope | undefined, ApiTokenScope>;
  /** Open311: answer with FixMyStreet's extended statuses unless a call asks otherwise. */
  extended_statuses: ColumnType<boolean, boolean | undefined, boolean>;
  token_hash: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type ApiTokenScope = 'v1' | 'open311';

export interface AccessLogTable {
  id: Generated<string>;
  county_id: string;
  staff_id: string;
  /** Null for a reveal of an Open311 requester's contact, which concerns no household. */
  household_id: string | null;
  ticket_id: string | null;
  fields: string[];
  reason: string | null;
  request_id: string | null;
  created_at: Timestamp;
}

export type AuthSession = Selectable<AuthSessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AccessLogRow = Selectable<AccessLogTable>;
