// Turns the machine's declared effects into a new due time and outbox rows (deadlines, notifications).
import { computeDue, DEFAULT_LIMITS, ESCALATION_LIMITS, DEFAULT_WARNING_RATIO } from '../engine/deadline.policy.js';
import type { Effect, TicketSnapshot } from '../engine/ticket.lifecycle.js';
import type { WorkCalendar } from '../engine/work-calendar.js';
import type { NewOutboxRow } from '../store/database.js';

export interface PlanInput {
  ticket: { id: string; countyId: string; number: string; unitId: string };
  /** Flattened state after the event, and the snapshot it came from. */
  state: string;
  snapshot: TicketSnapshot;
  /** Ticket version after the event: notifications are keyed by it. */
  version: number;
  effects: Effect[];
  current: { dueAt: Date | null; warnAt: Date | null };
  now: Date;
  calendar: WorkCalendar;
}

export interface Plan {
  dueAt: Date | null;
  warnAt: Date | null;
  outbox: NewOutboxRow[];
  /** A working day fell in a year without official calendar data. */
  uncoveredCalendar: boolean;
}

export function planEffects(p: PlanInput): Plan {
  const { ticket, snapshot, now } = p;
  const ctx = snapshot.context;
  let { dueAt, warnAt } = p.current;
  let uncoveredCalendar = false;
  let deadlineSet = false;
  const outbox: NewOutboxRow[] = [];

  const setDeadline = (due: Date, warn: Date | null) => {
    dueAt = due;
    warnAt = warn;
    deadlineSet = true;
  };

  p.effects.forEach((effect, index) => {
    switch (effect.type) {
      case 'scheduleDeadline': {
        const limit = DEFAULT_LIMITS[p.state];
        if (!limit) break;
        const due = computeDue(limit, now, p.calendar);
        uncoveredCalendar ||= due.uncovered;
        setDeadline(due.dueAt, due.warnAt);
        break;
      }
      case 'scheduleEscalation': {
        const level = effect.params.level;
        if (level === 'village') break;
        const due = computeDue(ESCALATION_LIMITS[level], now, p.calendar);
        uncoveredCalendar ||= due.uncovered;
        // An escalation deadline gets no yellow card of its own: the red card has been shown.
        setDeadline(due.dueAt, null);
        break;
      }
      case 'extendDeadline': {
        if (ctx.extendedUntil === null) break;
        const until = new Date(ctx.extendedUntil);
        const warn = new Date(now.getTime() + (until.getTime() - now.getTime()) * DEFAULT_WARNING_RATIO);
        setDeadline(until, warn);
        break;
      }
      case 'clearDeadline':
        dueAt = null;
        warnAt = null;
        deadlineSet = false;
        break;
      case 'notify':
        outbox.push({
          county_id: ticket.countyId,
          ticket_id: ticket.id,
          topic: 'notification',
          job_id: `notify-${ticket.id}-${p.version}-${index}`,
          payload: JSON.stringify({
            ticketId: ticket.id,
            number: ticket.number,
            audience: effect.params.audience,
            topic: effect.params.topic,
            state: p.state,
            level: ctx.level,
            unitId: ticket.unitId,
            leadUnitId: ctx.leadUnitId,
            coUnitIds: ctx.coUnitIds,
          }),
          run_at: now,
        });
        break;
      case 'addToAgenda':
        outbox.push({
          county_id: ticket.countyId,
          ticket_id: ticket.id,
          topic: 'agenda',
          job_id: `agenda-${ticket.id}-${ctx.clock}`,
          payload: JSON.stringify({ ticketId: ticket.id, number: ticket.number, state: p.state }),
          run_at: now,
        });
        break;
    }
  });

  if (deadlineSet && dueAt !== null) {
    const key = `${ticket.id}-${ctx.clock}-${ctx.level}`;
    const timer = (kind: 'warning' | 'passed', runAt: Date): NewOutboxRow => ({
      county_id: ticket.countyId,
      ticket_id: ticket.id,
      topic: 'deadline',
      job_id: `deadline-${key}-${kind}`,
      payload: JSON.stringify({ ticketId: ticket.id, countyId: ticket.countyId, kind, clock: ctx.clock, level: ctx.level }),
      run_at: runAt,
    });
    if (warnAt !== null) outbox.push(timer('warning', warnAt));
    outbox.push(timer('passed', dueAt));
  }
  return { dueAt, warnAt, outbox, uncoveredCalendar };
}
