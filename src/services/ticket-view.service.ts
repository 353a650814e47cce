// Shapes a ticket for readers: the row as clients see it, its timeline and the events allowed now.
import { allowedEvents, restoreTicket } from '../engine/ticket.lifecycle.js';
import { STATE_LABELS, EVENT_LABELS, type Label } from '../engine/ticket.labels.js';
import { TIMER_EVENTS, type TicketEventType } from '../engine/ticket.events.js';
import type { Ticket, TicketEventRow } from '../store/database.js';
import { findTicket } from '../store/tickets.repository.js';
import { listEvents } from '../store/ticket-events.repository.js';
import { DomainError } from './errors.js';
import { assertTicketVisible, maySend, type Caller } from './access.service.js';
import { maskRecord, maskText } from './privacy.service.js';
import type { ServiceContext } from './context.js';

export interface TicketView {
  id: string;
  number: string;
  state: string;
  stateLabel: Label;
  mode: string | null;
  level: string;
  warned: boolean;
  overdue: boolean;
  dueAt: string | null;
  warnAt: string | null;
  version: number;
  unitId: string;
  householdId: string | null;
  category: string;
  priority: string;
  description: string;
  source: string;
  leadUnitId: string | null;
  coUnitIds: string[];
  reopenCount: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** When the current state was entered (its clock's start). */
  enteredAt: string;
  /** Set while the clock is paused, waiting on the resident. */
  pausedAt: string | null;
  /** The whole-ticket clock: time since registration (until closing), less time paused. Escalation never resets it. */
  openMs: number;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function toTicketView(t: Ticket, now: Date = new Date()): TicketView {
  const end = (t.closed_at ?? now).getTime();
  const pausedNow = t.paused_at === null ? 0 : Math.max(0, end - t.paused_at.getTime());
  return {
    id: t.id,
    number: t.number,
    state: t.state,
    stateLabel: STATE_LABELS[t.state] ?? { zh: t.state, en: t.state },
    mode: t.mode,
    level: t.level,
    warned: t.warned,
    overdue: t.overdue,
    dueAt: iso(t.due_at),
    warnAt: iso(t.warn_at),
    version: t.version,
    unitId: t.unit_id,
    householdId: t.household_id,
    category: t.category,
    priority: t.priority,
    // Phone and ID numbers typed into free text are masked like the fields (docs/SECURITY.md).
    description: maskText(t.description),
    source: t.source,
    leadUnitId: t.lead_unit_id,
    coUnitIds: t.co_unit_ids,
    reopenCount: t.reopen_count,
    createdBy: t.created_by,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    closedAt: iso(t.closed_at),
    enteredAt: t.entered_at.toISOString(),
    pausedAt: iso(t.paused_at),
    openMs: Math.max(0, end - t.created_at.getTime() - Number(t.paused_ms) - pausedNow),
  };
}

export interface TimelineEntry {
  version: number;
  type: string;
  label: Label;
  actor: { kind: string; id: string | null; name: string | null };
  payload: Record<string, unknown>;
  fromState: string | null;
  toState: string;
  level: string;
  at: string;
}

const REGISTER_LABEL: Label = { zh: '挂号', en: 'Registered' };
// Recorded outside the lifecycle (the state does not change): the household was re-linked to another cadre.
const RELINK_LABEL: Label = { zh: '变更包联干部', en: 'Linked cadre changed' };
// Also beside the lifecycle: a resident's comment posted through Open311 (services/open311/updates.service).
const COMMENT_LABEL: Label = { zh: '群众留言', en: 'Resident comment' };
const OUTSIDE_LABELS: Record<string, Label> = { RELINK: RELINK_LABEL, COMMENT: COMMENT_LABEL };

function toTimelineEntry(e: TicketEventRow): TimelineEntry {
  return {
    version: e.version,
    type: e.type,
    label: EVENT_LABELS[e.type as TicketEventType] ?? OUTSIDE_LABELS[e.type] ?? REGISTER_LABEL,
    actor: { kind: e.actor_kind, id: e.actor_id, name: e.actor_name },
    payload: maskRecord(e.payload),
    fromState: e.from_state,
    toState: e.to_state,
    level: e.level,
    at: e.created_at.toISOString(),
  };
}

/** Events a person may send now; timer events belong to workers and are never offered. */
export function humanAllowedEvents(t: Ticket): TicketEventType[] {
  const timers: readonly string[] = TIMER_EVENTS;
  return allowedEvents(restoreTicket(t.snapshot)).filter((type) => !timers.includes(type));
}

/** A ticket outside the caller's jurisdiction is 404, as if it did not exist. */
export async function getTicketDetail(ctx: ServiceContext, caller: Caller, id: string) {
  const ticket = await findTicket(ctx.db, caller.countyId, id);
  if (!ticket) throw new DomainError('ticket_not_found', `No ticket ${id}`);
  assertTicketVisible(caller, ticket);
  const events = await listEvents(ctx.db, id);
  const allowed = humanAllowedEvents(ticket);
  return {
    ...toTicketView(ticket, ctx.now()),
    timeline: events.map(toTimelineEntry),
    allowedEvents: allowed,
    permittedEvents: allowed.filter((type) => maySend(caller, ticket, type)),
  };
}
