// Domain errors: a closed set of codes that the API's one error handler maps to HTTP statuses.
import type { TicketEventType } from '../engine/ticket.events.js';

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_payload: 400,
  unknown_unit: 400,
  unknown_household: 400,
  unknown_ticket_reference: 400,
  unknown_cadre: 400,
  invalid_cursor: 400,
  duplicate_client_id: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  token_expired: 401,
  session_revoked: 401,
  invalid_refresh_token: 401,
  forbidden: 403,
  worker_only_event: 403,
  event_forbidden: 403,
  outside_jurisdiction: 403,
  route_not_in_scope: 403,
  account_disabled: 403,
  not_found: 404,
  ticket_not_found: 404,
  household_not_found: 404,
  staff_not_found: 404,
  api_token_not_found: 404,
  event_not_allowed: 409,
  version_conflict: 409,
  idempotency_key_reused: 422,
  invalid_csv: 422,
  rate_limited: 429,
  unsupported_machine_version: 500,
  internal_error: 500,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { allowed?: TicketEventType[] } & Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
