import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Store } from './db/database.js';

const TTL_MS = 60_000;
const RENEW_MS = 20_000;

export interface WorkerLease {
  workerId: number;
  release(): Promise<void>;
}

/**
 * A snowflake worker ID leased in the database: servers take the lowest free one (0 when alone),
 * short-lived commands the highest, so concurrent processes never mint the same ID.
 */
export async function leaseWorkerId(store: Store, role: 'server' | 'command'): Promise<WorkerLease> {
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const workerId = await store.write((repos) => repos.workers.lease(holder, Date.now(), TTL_MS, role === 'command'));
  if (workerId === undefined) throw new Error('no free snowflake worker ID (1024 leased)');
  const timer = setInterval(() => {
    void store.write((repos) => repos.workers.renew(workerId, holder, Date.now() + TTL_MS)).catch(() => undefined);
  }, RENEW_MS);
  timer.unref();
  return {
    workerId,
    async release() {
      clearInterval(timer);
      await store.write((repos) => repos.workers.release(workerId, holder));
    },
  };
}
