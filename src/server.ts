import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './app.js';
import { DataDirBusy } from './data-dir-lock.js';
import { trackRequests } from './http/connections.js';
import { stdoutDestination } from './log-destination.js';

/** After the grace: how long close hooks (thumbnail queue, database) may still take before we just exit. */
const CLOSE_BACKSTOP_MS = 5000;
/** How long the last log lines may take to be written before exiting (a stuck log reader loses them). */
const LOG_SETTLE_MS = 1000;

/** Exits once the log lines written so far are out (or dropped), never waiting more than LOG_SETTLE_MS. */
function exitAfterLog(code: number): void {
  void stdoutDestination()
    .idle(LOG_SETTLE_MS)
    .then(() => process.exit(code));
}

/**
 * Loads the configuration, builds the app, listens, and drains on SIGTERM/SIGINT: stop accepting,
 * close idle connections at once, let requests in flight finish for ALBUMD_SHUTDOWN_GRACE, then cut
 * what is left (a cut upload's temporary file is discarded by its failing stream) and exit — 0 when
 * nothing had to be cut, 1 otherwise. A second signal cuts at once.
 */
export async function serve(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { app, readiness } = await buildApp(config);
  const requests = trackRequests(app.server);
  const graceMs = config.timeouts.shutdownGraceMs;
  let closing = false;
  let cut = 0;
  const cutNow = (why: string) => {
    cut += requests.cut();
    if (cut > 0) app.log.warn({ cut }, `${why}: cut the requests still in flight`);
  };
  const shutdown = (signal: string) => {
    if (closing) {
      cutNow(`second ${signal}`);
      return;
    }
    closing = true;
    // /readyz fails from now on, for the requests that still arrive on open connections.
    readiness.stopping();
    app.log.info({ signal, inFlight: requests.inFlight, graceMs }, 'draining in-flight requests');
    requests.begin();
    const grace = setTimeout(() => cutNow('shutdown grace over'), graceMs);
    const backstop = setTimeout(() => {
      app.log.error('shutdown did not finish; exiting anyway');
      process.exit(1);
    }, graceMs + CLOSE_BACKSTOP_MS);
    app.close().then(
      () => {
        clearTimeout(grace);
        clearTimeout(backstop);
        app.log.info({ cut }, 'stopped');
        exitAfterLog(cut > 0 ? 1 : 0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        exitAfterLog(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((error: unknown) => {
    // A busy data directory is a situation to explain, not a crash to debug.
    const why = error instanceof DataDirBusy ? error.message : error instanceof Error ? error.stack : String(error);
    process.stderr.write(`albumd failed to start: ${why}\n`);
    process.exit(1);
  });
}
