// Applies a due timer (黄牌 warning or 红牌 escalation) through the same transition service as the API.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { DomainError } from '../../services/errors.js';
import { transitionTicket } from '../../services/transition-ticket.service.js';
import type { ServiceContext } from '../../services/context.js';
import type { DeadlineJob } from '../queues.js';

export type DeadlineOutcome = 'applied' | 'stale';

export const deadlineProcessor =
  (services: ServiceContext, log: Logger) =>
  async (job: Job<DeadlineJob>): Promise<DeadlineOutcome> => {
    const { ticketId, countyId, kind, clock, level } = job.data;
    try {
      await transitionTicket(services, {
        countyId,
        ticketId,
        event: { type: kind === 'warning' ? 'DEADLINE_WARNING' : 'DEADLINE_PASSED', clock, level },
        actor: { kind: 'system', name: 'deadline-worker' },
      });
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
