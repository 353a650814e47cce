// Queue names, job data and the connection settings every queue and worker shares.
import type { RedisOptions } from 'bullmq';

export const QUEUE = {
  deadlines: 'deadlines',
  notifications: 'notifications',
} as const;

export interface DeadlineJob {
  ticketId: string;
  countyId: string;
  kind: 'warning' | 'passed';
  clock: number;
  level: 'village' | 'town' | 'county';
}

export interface NotificationJob {
  ticketId: string;
  number: string;
  audience: string;
  topic: string;
  state: string;
  level: string;
  unitId: string;
  leadUnitId: string | null;
  coUnitIds: string[];
}

export interface QueueSettings {
  connection: RedisOptions;
  /** Key prefix; tests give each file its own so queues never meet. */
  prefix: string;
}

export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    // Workers block on Redis; BullMQ requires unlimited retries for them.
    maxRetriesPerRequest: null,
  };
}
