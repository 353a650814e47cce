// The default notifier: one structured log line per notification (no webhook configured).
import type { Logger } from 'pino';
import type { Notifier } from './notifier.js';

export const logNotifier = (log: Logger): Notifier => ({
  async deliver(n, meta) {
    log.info(
      {
        deliveryId: meta.deliveryId,
        ticketId: n.ticketId,
        number: n.number,
        audience: n.audience,
        topic: n.topic,
        level: n.level,
        recipients: n.recipients.map((r) => ({ role: r.role, unitId: r.unitId, unitName: r.unitName, staffId: r.staffId })),
      },
      'notification',
    );
  },
});
