import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { writeStats } from '../db/write-queue.js';

let shared: Registry | undefined;

/**
 * The metrics of the process rather than of one app: Node's and the process's own (prom-client's
 * defaults, which install a GC observer and an event-loop monitor that are never removed, so they
 * are made once) and the database writes (db/write-queue.ts: the counts are the process's, and a
 * server has one store). Every app's registry includes this one; none is prom-client's global one.
 */
export function processRegistry(): Registry {
  if (shared) return shared;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'albumd_db_write_queue_depth',
    help:
      'Database writes waiting or being committed. SQLite: jobs in the group-commit queue plus the batch being committed; ' +
      'PostgreSQL: write transactions in flight, including those waiting for a hot row or retrying.',
    registers: [registry],
    collect() {
      this.set(writeStats.depth);
    },
  });
  const commits = new Histogram({
    name: 'albumd_db_commit_duration_seconds',
    help:
      'Time of one commit. SQLite: one group commit, BEGIN IMMEDIATE to COMMIT (its jobs and the fsync); ' +
      'PostgreSQL: one write, from its call to its commit, waits and retries included. outcome is committed or rolled_back.',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  commits.zero({ outcome: 'committed' });
  writeStats.observe((o) => commits.observe({ outcome: o.committed ? 'committed' : 'rolled_back' }, o.seconds));
  shared = registry;
  return registry;
}
