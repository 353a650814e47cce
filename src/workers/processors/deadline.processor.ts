// Applies due timers (黄牌 warnings, 红牌 escalations) with the transition service's judgement, in batches under load.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { parseDeadlineJobId, type TimerKey, type TimerLevel } from '../../services/effect-plan.service.js';
import { applyTimerEvents, type TimerOutcome, type TimerRequest } from '../../services/transition-ticket.service.js';
import type { ServiceContext } from '../../services/context.js';
import { GroupBatcher, type BatcherOptions } from '../group.batcher.js';
import type { DeadlineJob } from '../queues.js';
import type { EscalatedTo, WorkerMetrics } from '../worker.metrics.js';

export type DeadlineOutcome = 'applied' | 'stale';

const escalatedTo: Record<TimerLevel, EscalatedTo> = { village: 'town', town: 'county', county: 'agenda' };

/** Refusals that mean the ticket moved on (or this clock already fired): the timer has nothing left to do. */
const STALE = new Set(['event_not_allowed', 'invalid_payload', 'ticket_not_found']);

/** Timers applied per transaction, and transactions at once, unless the worker says otherwise. */
export const DEFAULT_TIMER_BATCH: BatcherOptions = { maxBatch: 32, maxInFlight: 2 };

/**
 * Jobs queued before the compact ids (`deadline-<ticket>-<clock>-<level>-<kind>`) name their timer in
 * their data: read it there, so timers pending at an upgrade fire on time instead of failing.
 */
function legacyTimer(data: unknown): TimerKey | null {
  const d = (data ?? {}) as Record<string, unknown>;
  const { ticketId, clock, level, kind } = d;
  if (typeof ticketId !== 'string' || typeof clock !== 'number') return null;
  if (level !== 'village' && level !== 'town' && level !== 'county') return null;
  if (kind !== 'warning' && kind !== 'passed') return null;
  return { ticketId, clock, level, kind };
}

/**
 * The deadline queue's processor. Jobs in hand at the same time (the worker's concurrency) are applied
 * together: one transaction locks their tickets and writes every accepted timer (applyTimerEvents), so a
 * storm of due timers costs one commit per batch rather than one per ticket. A lone job waits for nothing.
 */
export const deadlineProcessor = (
  services: ServiceContext,
  log: Logger,
  metrics?: Pick<WorkerMetrics, 'escalated'>,
  batching: BatcherOptions = DEFAULT_TIMER_BATCH,
) => {
  const batcher = new GroupBatcher<TimerRequest, TimerOutcome>((reqs) => applyTimerEvents(services, reqs), (r) => r.ticketId, batching);
  return async (job: Job<DeadlineJob>): Promise<DeadlineOutcome> => {
    // The id names the timer (ticket, clock, level, kind); the data adds the county and the due time.
    const timer = (job.id === undefined ? null : parseDeadlineJobId(job.id)) ?? legacyTimer(job.data);
    if (!timer) throw new UnrecoverableError(`not a deadline job id: ${String(job.id)}`);
    const { ticketId, kind, clock, level } = timer;
    const outcome = await batcher.submit({
      countyId: job.data.countyId,
      ticketId,
      event: { type: kind === 'warning' ? 'DEADLINE_WARNING' : 'DEADLINE_PASSED', clock, level },
    });
    if (!outcome.ok) {
      if (!STALE.has(outcome.error.code)) throw outcome.error;
      log.info({ ticketId, kind, clock, level, reason: outcome.error.code }, 'stale deadline job ignored');
      return 'stale';
    }
    if (kind === 'passed') {
      const late = typeof job.data.dueAt === 'number' ? (services.now().getTime() - job.data.dueAt) / 1000 : null;
      metrics?.escalated(escalatedTo[level], late);
    }
    return 'applied';
  };
};
