// Our lifecycle states as Open311 statuses: `open` / `closed`, or FixMyStreet's extended statuses when a client asks.

export type Open311Status = 'open' | 'closed';
export type ExtendedStatus =
  | 'OPEN'
  | 'INVESTIGATING'
  | 'IN_PROGRESS'
  | 'ACTION_SCHEDULED'
  | 'FIXED'
  | 'CLOSED'
  | 'DUPLICATE'
  | 'NOT_COUNCILS_RESPONSIBILITY';

/**
 * One row per state (README: the status mapping). A matter is `closed` only when the county closes it
 * (销号 after a satisfied callback) or ends it otherwise: a resolved matter still awaits its feedback
 * and callback, and a dissatisfied callback reopens it.
 */
export const STATUS_MAP: Record<string, { status: Open311Status; extended: ExtendedStatus }> = {
  registered: { status: 'open', extended: 'OPEN' },
  onSite: { status: 'open', extended: 'IN_PROGRESS' },
  proxy: { status: 'open', extended: 'IN_PROGRESS' },
  'joint.dispatched': { status: 'open', extended: 'ACTION_SCHEDULED' },
  'joint.inProgress': { status: 'open', extended: 'IN_PROGRESS' },
  'joint.returned': { status: 'open', extended: 'INVESTIGATING' },
  awaitingFeedback: { status: 'open', extended: 'IN_PROGRESS' },
  awaitingCallback: { status: 'open', extended: 'IN_PROGRESS' },
  closed: { status: 'closed', extended: 'FIXED' },
  withdrawn: { status: 'closed', extended: 'CLOSED' },
  merged: { status: 'closed', extended: 'DUPLICATE' },
  rejected: { status: 'closed', extended: 'NOT_COUNCILS_RESPONSIBILITY' },
};

export function open311Status(state: string, extended: boolean): string {
  const row = STATUS_MAP[state] ?? { status: 'open', extended: 'OPEN' };
  return extended ? row.extended : row.status;
}

/** The states a `status` filter names (standard or extended, any case), or undefined when it names none we know. */
export function statesFor(statuses: string[]): string[] {
  const wanted = new Set(statuses.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  return Object.entries(STATUS_MAP)
    .filter(([, v]) => wanted.has(v.status) || wanted.has(v.extended.toLowerCase()))
    .map(([state]) => state);
}
