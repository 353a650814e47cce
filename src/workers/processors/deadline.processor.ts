// Applies a due timer (黄牌 warning or 红牌 escalation) through the same transition service as the API.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { parseDeadlineJobId, type TimerKey, type TimerLevel } from '../../services/effect-plan.service.js';
import { DomainError } from '../../services/errors.js';
import { transitionTicket } from '../../services/transition-ticket.service.js';
import type { ServiceContext } from '../../services/context.js';
import type { DeadlineJob } from '../queues.js';
import type { EscalatedTo, WorkerMetrics } from '../worker.metrics.js';

export type DeadlineOutcome = 'applied' | 'stale';

const escalatedTo: Record<TimerLevel, EscalatedTo> = { village: 'town', town: 'county', county: 'agenda' };

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

export const deadlineProcessor =
  (services: ServiceContext, log: Logger, metrics?: Pick<WorkerMetrics, 'escalated'>) =>
  async (job: Job<DeadlineJob>): Promise<DeadlineOutcome> => {
    // The id names the timer (ticket, clock, level, kind); the data adds the county and the due time.
    const timer = (job.id === undefined ? null : parseDeadlineJobId(job.id)) ?? legacyTimer(job.data);
    if (!timer) throw new UnrecoverableError(`not a deadline job id: ${String(job.id)}`);
    const { ticketId, kind, clock, level } = timer;
    try {
      await transitionTicket(services, {
        countyId: job.data.countyId,
        ticketId,
        event: { type: kind === 'warning' ? 'DEADLINE_WARNING' : 'DEADLINE_PASSED', clock, level },
        actor: { kind: 'system', name: 'deadline-worker' },
      });
      if (kind === 'passed') {
        const late = typeof job.data.dueAt === 'number' ? (services.now().getTime() - job.data.dueAt) / 1000 : null;
        metrics?.escalated(escalatedTo[level], late);
      }
      return 'applied';
    } catch (err) {
      // The ticket moved on (or this clock already fired): the timer has nothing left to do.
      if (err instanceof DomainError && ['event_not_allowed', 'invalid_payload', 'ticket_not_found'].includes(err.code)) {
        log.info({ ticketId, kind, clock, level, reason: err.code }, 'stale deadline job ignored');
        return 'stale';
      }
      throw err;
    }
  };
