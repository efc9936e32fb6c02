import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../db/database.js';
import { processRegistry } from './process.js';
import { within } from './within.js';

/** How long a scrape waits for the database's counts before it reports them as unknown (NaN). */
const QUERY_MS = 2000;

/** The route label of a request that matched no route: one value, never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface MetricsSources {
  store: Store;
  /** The thumbnail queue (domain.thumbnails.stats). */
  thumbnails: () => { waiting: number; running: number; failures: ReadonlyMap<string, number> };
  now: () => number;
}

export interface Metrics {
  readonly contentType: string;
  /** The Prometheus text of this app and of the process. */
  render(): Promise<string>;
  /** One answered request: its route pattern, method, status and duration. */
  request(route: string, method: string, status: number, seconds: number): void;
  /** One error envelope answered, by its catalogue code. */
  error(code: number): void;
}

/** A database count, or NaN (unknown) when the database does not answer: a scrape never fails for it. */
async function count(query: () => Promise<number>): Promise<number> {
  try {
    return await within(QUERY_MS, query());
  } catch {
    return Number.NaN;
  }
}

/** How long a counted value is reused: a scrape (or a flood of them) costs the database one count per gauge this often. */
const COUNT_EVERY_MS = 15_000;

/** A count taken at most every COUNT_EVERY_MS; scrapes in between get the last one (concurrent ones share it). */
function cached(query: () => Promise<number>, now: () => number): () => Promise<number> {
  let last: { at: number; value: Promise<number> } | undefined;
  return () => {
    const t = now();
    if (!last || t - last.at >= COUNT_EVERY_MS) last = { at: t, value: count(query) };
    return last.value;
  };
}

/** The metrics of one app, in a registry of its own (tests run many apps in one process). */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'albumd_http_requests_total', help: 'Requests answered, by method, route pattern and HTTP status.', labelNames, registers });
  const durations = new Histogram({
    name: 'albumd_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by method, route pattern and HTTP status.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers,
  });
  const blobBytes = cached(() => sources.store.read.metrics.blobBytes(), sources.now);
  const sessions = cached(() => sources.store.read.metrics.activeSessions(sources.now()), sources.now);
  const errors = new Counter({ name: 'albumd_errors_total', help: 'Error envelopes answered by the error handler, by catalogue code.', labelNames: ['code'], registers });
  new Gauge({
    name: 'albumd_blob_stored_bytes',
    help: 'Bytes of stored content referenced by files (each content once), counted at most every 15 s; NaN when the database did not answer.',
    registers,
    async collect() {
      this.set(await blobBytes());
    },
  });
  new Gauge({
    name: 'albumd_sessions_active',
    help: 'Login sessions in use (access tokens neither expired nor revoked), counted at most every 15 s; NaN when the database did not answer.',
    registers,
    async collect() {
      this.set(await sessions());
    },
  });
  new Gauge({
    name: 'albumd_thumbnail_queue_depth',
    help: 'Thumbnails to make in the background: waiting, or being made (running).',
    labelNames: ['state'],
    registers,
    collect() {
      const { waiting, running } = sources.thumbnails();
      this.set({ state: 'waiting' }, waiting);
      this.set({ state: 'running' }, running);
    },
  });
  new Counter({
    name: 'albumd_thumbnail_failures_total',
    help: 'Thumbnails not made from their media: error (nothing stored; made again when asked for) or undecodable (the placeholder stored).',
    labelNames: ['reason'],
    registers,
    collect() {
      const { failures } = sources.thumbnails();
      this.reset();
      for (const reason of ['error', 'undecodable']) this.inc({ reason }, failures.get(reason) ?? 0);
    },
  });
  const merged = Registry.merge([processRegistry(), registry]);
  return {
    contentType: merged.contentType,
    render: () => merged.metrics(),
    request(route, method, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    error(code) {
      errors.inc({ code: String(code) });
    },
  };
}
