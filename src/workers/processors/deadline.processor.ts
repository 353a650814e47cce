// Applies a due timer (黄牌 warning or 红牌 escalation) through the same transition service as the API.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { DomainError } from '../../services/errors.js';
import { transitionTicket } from '../../services/transition-ticket.service.js';
import type { ServiceContext } from '../../services/context.js';
import { findTicket } from '../../store/tickets.repository.js';
import type { DeadlineJob } from '../queues.js';
import type { EscalatedTo, WorkerMetrics } from '../worker.metrics.js';

export type DeadlineOutcome = 'applied' | 'stale';

const escalatedTo: Record<DeadlineJob['level'], EscalatedTo> = { village: 'town', town: 'county', county: 'agenda' };

export const deadlineProcessor =
  (services: ServiceContext, log: Logger, metrics?: Pick<WorkerMetrics, 'escalated'>) =>
  async (job: Job<DeadlineJob>): Promise<DeadlineOutcome> => {
    const { ticketId, countyId, kind, clock, level } = job.data;
    // For the lateness metric: once the escalation applies, due_at holds the next level's deadline.
    const dueAt = kind === 'passed' && metrics ? ((await findTicket(services.db, countyId, ticketId))?.due_at ?? null) : null;
    try {
      await transitionTicket(services, {
        countyId,
        ticketId,
        event: { type: kind === 'warning' ? 'DEADLINE_WARNING' : 'DEADLINE_PASSED', clock, level },
        actor: { kind: 'system', name: 'deadline-worker' },
      });
      if (kind === 'passed') metrics?.escalated(escalatedTo[level], dueAt ? (services.now().getTime() - dueAt.getTime()) / 1000 : null);
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
