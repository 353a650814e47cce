// Writes transitions (versioned ticket update, its event, its outbox rows): one in a single statement, or a batch in one.
import { CompiledQuery, type Insertable, type Updateable } from 'kysely';
import type { Executor } from './db.js';
import type { NewOutboxRow, Ticket, TicketEventsTable, TicketsTable } from './database.js';

/** The ticket columns a transition sets (besides the version it moves on). */
const PATCH_COLUMNS = [
  'state', 'snapshot', 'mode', 'level', 'warned', 'overdue', 'clock', 'entered_at', 'due_at', 'warn_at', 'paused_at',
  'paused_ms', 'due_uncovered', 'due_basis', 'lead_unit_id', 'co_unit_ids', 'reopen_count', 'updated_at', 'closed_at',
] as const satisfies ReadonlyArray<keyof TicketsTable>;

export type TransitionPatch = Required<Pick<Updateable<TicketsTable>, (typeof PATCH_COLUMNS)[number]>>;

export interface TransitionWrite {
  ticketId: string;
  /** The version the ticket is at; the update applies only there and moves it one on. */
  version: number;
  patch: TransitionPatch;
  event: Insertable<TicketEventsTable>;
  outbox: NewOutboxRow[];
}

/**
 * One round trip instead of three: under a timer storm every escalation's statements queue behind each
 * other, so fewer trips means more escalations a second. The inserts run even when the versioned update
 * matches nothing; the caller then throws and its transaction takes them back.
 */
export async function saveTransition(ex: Executor, w: TransitionWrite): Promise<Ticket | undefined> {
  const base = ex
    .with('updated', (db) =>
      db.updateTable('tickets').set({ ...w.patch, version: w.version + 1 }).where('id', '=', w.ticketId).where('version', '=', w.version).returningAll(),
    )
    .with('event', (db) => db.insertInto('ticket_events').values(w.event));
  if (w.outbox.length === 0) return base.selectFrom('updated').selectAll().executeTakeFirst();
  return base
    .with('effects', (db) => db.insertInto('outbox').values(w.outbox))
    .selectFrom('updated')
    .selectAll()
    .executeTakeFirst();
}

const EVENT_COLUMNS = [
  'county_id', 'ticket_id', 'version', 'type', 'actor_kind', 'actor_id', 'actor_name', 'payload', 'from_state', 'to_state', 'level', 'created_at',
] as const satisfies ReadonlyArray<keyof TicketEventsTable>;
const OUTBOX_COLUMNS = ['county_id', 'ticket_id', 'topic', 'job_id', 'payload', 'run_at'] as const satisfies ReadonlyArray<keyof NewOutboxRow>;

const list = (columns: readonly string[], prefix = '') => columns.map((c) => `${prefix}${c}`).join(', ');

/**
 * Many transitions in one statement of constant text (prepared once per connection), whatever their
 * number: the rows travel as three JSON arrays that PostgreSQL reads back as rows of the tables
 * themselves (jsonb_populate_recordset), so every value gets its column's type.
 */
const SAVE_MANY = `
  with w as (select * from jsonb_populate_recordset(null::tickets, $1::jsonb)),
  updated as (
    update tickets t set ${PATCH_COLUMNS.map((c) => `${c} = w.${c}`).join(', ')}, version = w.version + 1
    from w where t.id = w.id and t.version = w.version
    returning t.*),
  events as (
    insert into ticket_events (${list(EVENT_COLUMNS)})
    select ${list(EVENT_COLUMNS, 'e.')} from jsonb_populate_recordset(null::ticket_events, $2::jsonb) e),
  effects as (
    insert into outbox (${list(OUTBOX_COLUMNS)})
    select ${list(OUTBOX_COLUMNS, 'o.')} from jsonb_populate_recordset(null::outbox, $3::jsonb) o)
  select * from updated`;

/** A JSON object whose listed fields are already JSON text (snapshots and payloads), spliced in as they are. */
function jsonWithRaw(fields: Record<string, unknown>, raw: Record<string, string>): string {
  const plain = JSON.stringify(fields);
  const extra = Object.entries(raw).map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  return extra.length === 0 ? plain : `${plain.slice(0, -1)}${plain.length > 2 ? ',' : ''}${extra.join(',')}}`;
}

/**
 * Writes several transitions of different tickets in one round trip; returns the updated rows (a ticket
 * not at its expected version is missing from them, and the caller must roll back).
 */
export async function saveTransitions(ex: Executor, writes: readonly TransitionWrite[]): Promise<Ticket[]> {
  if (writes.length === 0) return [];
  // JSON has no undefined and writes an invalid date as null: refuse both rather than null a column.
  for (const w of writes) {
    for (const column of PATCH_COLUMNS) {
      const value: unknown = w.patch[column];
      if (value === undefined || (value instanceof Date && Number.isNaN(value.getTime()))) {
        throw new Error(`saveTransitions: ticket ${w.ticketId} has no valid ${column}`);
      }
    }
  }
  const tickets = writes.map(({ ticketId, version, patch: { snapshot, due_basis, ...rest } }) =>
    jsonWithRaw({ ...rest, id: ticketId, version }, { snapshot: String(snapshot), due_basis: due_basis ?? 'null' }),
  );
  const events = writes.map(({ event: { payload, ...rest } }) => jsonWithRaw(rest, { payload: String(payload) }));
  const outbox = writes.flatMap((w) => w.outbox.map(({ payload, ...rest }) => jsonWithRaw(rest, { payload: String(payload) })));
  const { rows } = await ex.executeQuery<Ticket>(CompiledQuery.raw(SAVE_MANY, [`[${tickets.join(',')}]`, `[${events.join(',')}]`, `[${outbox.join(',')}]`]));
  return rows;
}
