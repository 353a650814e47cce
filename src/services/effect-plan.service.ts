// Turns the machine's declared effects into the ticket's new clock columns and outbox rows.
import { computeDue, resolveLimit } from '../engine/deadline.policy.js';
import type { Effect, TicketSnapshot } from '../engine/ticket.lifecycle.js';
import type { NewOutboxRow } from '../store/database.js';
import type { CountySettings } from './county-settings.service.js';

export interface PlanInput {
  ticket: { id: string; countyId: string; number: string; unitId: string; category: string; priority: string };
  /** Flattened state after the event, and the snapshot it came from. */
  state: string;
  snapshot: TicketSnapshot;
  /** Ticket version after the event: notifications are keyed by it. */
  version: number;
  effects: Effect[];
  current: { dueAt: Date | null; warnAt: Date | null; pausedAt: Date | null; uncovered: boolean };
  now: Date;
  settings: CountySettings;
}

export interface Plan {
  dueAt: Date | null;
  warnAt: Date | null;
  pausedAt: Date | null;
  /** Paused time that ended with this event, for the whole-ticket clock. */
  pausedMsAdded: number;
  /** A working day fell in a year without official calendar data. */
  uncovered: boolean;
  outbox: NewOutboxRow[];
}

/** One id per (ticket, clock, level, kind): the relay and the reconcile sweep both use it, so BullMQ keeps one job. */
export const deadlineJobId = (ticketId: string, clock: number, level: string, kind: 'warning' | 'passed'): string =>
  `deadline-${ticketId}-${clock}-${level}-${kind}`;

export function planEffects(p: PlanInput): Plan {
  const { ticket, snapshot, now, settings } = p;
  const ctx = snapshot.context;
  let { dueAt, warnAt, pausedAt, uncovered } = p.current;
  let pausedMsAdded = 0;
  let deadlineSet = false;
  const outbox: NewOutboxRow[] = [];

  const setDeadline = (due: { dueAt: Date; warnAt: Date | null; uncovered?: boolean }, withWarning = true) => {
    dueAt = due.dueAt;
    warnAt = withWarning ? due.warnAt : null;
    uncovered = due.uncovered ?? false;
    deadlineSet = true;
  };
  // A new state or a resumed clock ends any pause; its length counts as paused time.
  const endPause = () => {
    if (pausedAt === null) return 0;
    const length = now.getTime() - pausedAt.getTime();
    pausedMsAdded += length;
    pausedAt = null;
    return length;
  };

  p.effects.forEach((effect, index) => {
    switch (effect.type) {
      case 'scheduleDeadline': {
        endPause();
        const policy = resolveLimit(settings.policies, p.state, ticket.category, ticket.priority);
        if (!policy) {
          dueAt = warnAt = null;
          break;
        }
        setDeadline(computeDue(policy.limit, now, settings.calendar, policy.warningRatio));
        break;
      }
      case 'scheduleEscalation': {
        const level = effect.params.level;
        if (level === 'village') break;
        // An escalation deadline gets no yellow card of its own: the red card has been shown.
        setDeadline(computeDue(settings.escalation[level], now, settings.calendar), false);
        break;
      }
      case 'extendDeadline': {
        if (ctx.extendedUntil === null) break;
        const until = new Date(ctx.extendedUntil);
        // Approved during a pause: the pause so far is spent; it goes on from now against the new date.
        if (pausedAt !== null) {
          endPause();
          pausedAt = now;
        }
        const policy = resolveLimit(settings.policies, p.state, ticket.category, ticket.priority);
        const ratio = policy?.warningRatio ?? 0.8;
        setDeadline({ dueAt: until, warnAt: new Date(now.getTime() + (until.getTime() - now.getTime()) * ratio) });
        break;
      }
      case 'pauseClock':
        pausedAt = now;
        break;
      case 'resumeClock': {
        const length = endPause();
        const due: Date | null = dueAt;
        if (due === null) break;
        const warn: Date | null = warnAt;
        setDeadline(
          { dueAt: new Date(due.getTime() + length), warnAt: warn === null ? null : new Date(warn.getTime() + length), uncovered },
          warn !== null && !ctx.warned,
        );
        break;
      }
      case 'clearDeadline':
        endPause();
        dueAt = warnAt = null;
        uncovered = false;
        deadlineSet = false;
        break;
      case 'notify':
        outbox.push(row(p, 'notification', `notify-${ticket.id}-${p.version}-${index}`, now, {
          ticketId: ticket.id,
          countyId: ticket.countyId,
          number: ticket.number,
          audience: effect.params.audience,
          topic: effect.params.topic,
          state: p.state,
          level: ctx.level,
          unitId: ticket.unitId,
          leadUnitId: ctx.leadUnitId,
          coUnitIds: ctx.coUnitIds,
        }));
        break;
      case 'addToAgenda':
        outbox.push(row(p, 'agenda', `agenda-${ticket.id}-${ctx.clock}`, now, { ticketId: ticket.id, number: ticket.number, state: p.state }));
        break;
    }
  });

  if (deadlineSet && dueAt !== null) {
    const data = (kind: 'warning' | 'passed') => ({ ticketId: ticket.id, countyId: ticket.countyId, kind, clock: ctx.clock, level: ctx.level });
    if (warnAt !== null) outbox.push(row(p, 'deadline', deadlineJobId(ticket.id, ctx.clock, ctx.level, 'warning'), warnAt, data('warning')));
    outbox.push(row(p, 'deadline', deadlineJobId(ticket.id, ctx.clock, ctx.level, 'passed'), dueAt, data('passed')));
  }
  return { dueAt, warnAt, pausedAt, pausedMsAdded, uncovered, outbox };
}

function row(p: PlanInput, topic: NewOutboxRow['topic'], jobId: string, runAt: Date, payload: Record<string, unknown>): NewOutboxRow {
  return { county_id: p.ticket.countyId, ticket_id: p.ticket.id, topic, job_id: jobId, payload: JSON.stringify(payload), run_at: runAt };
}
