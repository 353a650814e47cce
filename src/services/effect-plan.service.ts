// Turns the machine's declared effects into the ticket's new clock columns and outbox rows.
import { computeDue, DEFAULT_WARNING_RATIO, dueFromBasis, resolveLimit, type DueBasis, type TimeLimit } from '../engine/deadline.policy.js';
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
  current: { dueAt: Date | null; warnAt: Date | null; pausedAt: Date | null; uncovered: boolean; basis: DueBasis | null };
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
  /** Kept while the deadline is uncovered: what it was worked out from (see DueBasis). */
  basis: DueBasis | null;
  outbox: NewOutboxRow[];
}

export type TimerKind = 'warning' | 'passed';
export type TimerLevel = 'village' | 'town' | 'county';

/** What a deadline job is about; its id says it all, so the job's data need not repeat it. */
export interface TimerKey {
  ticketId: string;
  clock: number;
  level: TimerLevel;
  kind: TimerKind;
}

const LEVEL_CODE: Record<TimerLevel, string> = { village: 'v', town: 't', county: 'c' };
const KIND_CODE: Record<TimerKind, string> = { warning: 'w', passed: 'p' };
const LEVEL_OF = Object.fromEntries(Object.entries(LEVEL_CODE).map(([l, c]) => [c, l])) as Record<string, TimerLevel>;
const KIND_OF = Object.fromEntries(Object.entries(KIND_CODE).map(([k, c]) => [c, k])) as Record<string, TimerKind>;

/**
 * One id per (ticket, clock, level, kind): the relay and the reconcile sweep both use it, so BullMQ keeps
 * one job. Compact on purpose (the ticket's UUID in base64url, then `.clock.level.kind` initials, e.g.
 * `AZq3xV1Ad8iQq8c2Zl0Xxw.1.v.p`): Redis holds the id three times per pending timer, and every byte counts
 * towards the 1 KB per pending deadline budget (docs/PERFORMANCE.md). parseDeadlineJobId reads it back.
 */
export const deadlineJobId = (ticketId: string, clock: number, level: string, kind: TimerKind): string =>
  `${Buffer.from(ticketId.replace(/-/g, ''), 'hex').toString('base64url')}.${clock}.${LEVEL_CODE[level as TimerLevel] ?? level}.${KIND_CODE[kind]}`;

/** The timer a deadline job id names, or null when the id is not one. */
export function parseDeadlineJobId(jobId: string): TimerKey | null {
  const [ticket, clock, level, kind, extra] = jobId.split('.');
  if (extra !== undefined || !ticket || ticket.length !== 22 || !clock || !/^[0-9]+$/.test(clock)) return null;
  const hex = Buffer.from(ticket, 'base64url').toString('hex');
  const lv = LEVEL_OF[level ?? ''];
  const kd = KIND_OF[kind ?? ''];
  if (hex.length !== 32 || !lv || !kd) return null;
  const ticketId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { ticketId, clock: Number(clock), level: lv, kind: kd };
}

export function planEffects(p: PlanInput): Plan {
  const { ticket, snapshot, now, settings } = p;
  const ctx = snapshot.context;
  let { dueAt, warnAt, pausedAt, uncovered, basis } = p.current;
  let pausedMsAdded = 0;
  let deadlineSet = false;
  const outbox: NewOutboxRow[] = [];

  const setDeadline = (due: { dueAt: Date; warnAt: Date | null; uncovered?: boolean }, withWarning = true, from: DueBasis | null = null) => {
    dueAt = due.dueAt;
    warnAt = withWarning ? due.warnAt : null;
    uncovered = due.uncovered ?? false;
    basis = uncovered ? from : null;
    deadlineSet = true;
  };
  const computed = (limit: TimeLimit, ratio?: number) => ({
    due: computeDue(limit, now, settings.calendar, ratio),
    basis: { from: now.toISOString(), limit, ratio: ratio ?? DEFAULT_WARNING_RATIO, shiftMs: 0 },
  });
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
          basis = null;
          break;
        }
        const c = computed(policy.limit, policy.warningRatio);
        setDeadline(c.due, true, c.basis);
        break;
      }
      case 'scheduleEscalation': {
        const level = effect.params.level;
        if (level === 'village') break;
        // An escalation deadline gets no yellow card of its own: the red card has been shown.
        const c = computed(settings.escalation[level]);
        setDeadline(c.due, false, c.basis);
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
          basis === null ? null : { ...basis, shiftMs: basis.shiftMs + length },
        );
        break;
      }
      case 'recomputeDeadline': {
        const due: Date | null = dueAt;
        if (due === null) break;
        const warn: Date | null = warnAt;
        const withWarning = warn !== null && !ctx.warned;
        // The clock number moved on, so the timers are set again either way: on the real calendar for a
        // guessed deadline that kept its basis, else at the same times as before.
        if (uncovered && basis !== null) setDeadline(dueFromBasis(basis, settings.calendar), withWarning, basis);
        else setDeadline({ dueAt: due, warnAt: warn, uncovered }, withWarning, basis);
        break;
      }
      case 'clearDeadline':
        endPause();
        dueAt = warnAt = null;
        uncovered = false;
        basis = null;
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
    // The job id names the timer; the data carries only what the id cannot: the county, and the due time for the lateness metric.
    if (warnAt !== null) {
      outbox.push(row(p, 'deadline', deadlineJobId(ticket.id, ctx.clock, ctx.level, 'warning'), warnAt, { countyId: ticket.countyId, dueAt: warnAt.getTime() }));
    }
    outbox.push(row(p, 'deadline', deadlineJobId(ticket.id, ctx.clock, ctx.level, 'passed'), dueAt, { countyId: ticket.countyId, dueAt: dueAt.getTime() }));
  }
  return { dueAt, warnAt, pausedAt, pausedMsAdded, uncovered, basis, outbox };
}


function row(p: PlanInput, topic: NewOutboxRow['topic'], jobId: string, runAt: Date, payload: Record<string, unknown>): NewOutboxRow {
  return { county_id: p.ticket.countyId, ticket_id: p.ticket.id, topic, job_id: jobId, payload: JSON.stringify(payload), run_at: runAt };
}
