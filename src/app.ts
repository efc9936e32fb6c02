import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { Config } from './config.js';
import { openStore, type Store } from './db/database.js';
import { createDomain, type Domain } from './domain/index.js';
import { BLOB_GRACE_MS, SWEEP_EVERY_MS, type SweepReport } from './domain/integrity/blob-sweep.js';
import { AppError, ErrorCode } from './domain/errors.js';
import { domainDeps } from './runtime.js';
import { leaseWorkerId } from './worker-lease.js';
import { stdoutDestination } from './log-destination.js';
import { registerAuthGate, traceIdOf } from './http/auth.js';
import { registerBodyParsers, registerEmptyBodyDefault } from './http/json.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerNotFound } from './http/not-found.js';
import { timeoutOptions, watchIdleSockets } from './http/connections.js';
import { answerExpectation, clientErrorHandler, frameworkErrors, refuseConnect, registerHostCheck } from './http/raw-errors.js';
import { registerByteHeaders } from './http/byte-headers.js';
import { openApiOptions } from './http/openapi.js';
import { albumRoutes } from './http/routes/albums.js';
import { authRoutes } from './http/routes/auth.js';
import { fileRoutes } from './http/routes/files.js';
import { contentRoutes } from './http/routes/content.js';
import { jobRoutes } from './http/routes/jobs.js';
import { familyRoutes } from './http/routes/families.js';
import { uploadRoutes } from './http/routes/uploads.js';
import { systemRoutes } from './http/routes/system.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { Readiness } from './metrics/readiness.js';
import { userRoutes } from './http/routes/users.js';
import { webRoutes } from './http/routes/web.js';
import './http/types.js';

export interface AppDeps {
  /** A store made by the caller (tests pass a fresh, migrated database); else one from config. */
  store?: Store;
  now?: () => number;
  /** Logger: false for none; default pino at config.logLevel. */
  logger?: boolean;
}

export interface App {
  app: FastifyInstance;
  store: Store;
  domain: Domain;
  /** The start-up reconciliation of the blob store with the database (runs while serving). */
  startupSweep: Promise<SweepReport | undefined>;
  /** What /readyz answers: started once buildApp is done; `stopping()` at shutdown. */
  readiness: Readiness;
  metrics: Metrics;
}

const BODY_LIMIT = 1024 * 1024;

/** `x-rule` on a schema states its rule for error messages (decisions.md §4: "field: rule"). */
function ruleKeyword<A extends { addKeyword(def: { keyword: string; schemaType: 'string' }): unknown }>(ajv: A): A {
  ajv.addKeyword({ keyword: 'x-rule', schemaType: 'string' });
  return ajv;
}

/** Builds the whole server (plugins, routes, error handling) without listening. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const store = deps.store ?? (await openStore(config));
  const lease = await leaseWorkerId(store, 'server');
  const services = domainDeps(config, store, lease.workerId, deps.now);
  const domain = createDomain(services);
  const readiness = new Readiness(store, config.dataDir);
  const metrics = createMetrics({ store, thumbnails: domain.thumbnails.stats, now: services.now });

  const app = Fastify({
    // Our stdout destination, not pino's default: a log write that fails (a full disk) is dropped and
    // counted instead of killing, then hanging, the process (log-destination.ts).
    logger: deps.logger === false ? false : { level: config.logLevel, stream: stdoutDestination() },
    genReqId: traceIdOf,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'traceId' }),
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 512 },
    ajv: {
      // strictNumbers off: Ajv coerces "Infinity" or "1e400" to Infinity without re-checking the type,
      // and its strict guard then skips minimum/maximum; without it the (always present) bounds refuse it.
      customOptions: { coerceTypes: 'array', verbose: true, allErrors: false, strictNumbers: false },
      plugins: [ruleKeyword],
    },
    ...timeoutOptions(config.timeouts),
    // What Node and the router answer on their own is the envelope too (http/raw-errors.ts).
    clientErrorHandler,
    frameworkErrors,
  });
  watchIdleSockets(app.server);
  app.server.on('checkExpectation', answerExpectation);
  app.server.on('connect', refuseConnect);
  // The first onRequest hook: a request without Host is refused before anything else looks at it.
  registerHostCheck(app);

  registerBodyParsers(app);
  registerEmptyBodyDefault(app);
  registerErrorHandler(app, metrics.error);
  registerAuthGate(app, domain);
  registerNotFound(app);
  registerByteHeaders(app);

  await app.register(swagger, openApiOptions(config));
  await app.register(swaggerUi, { routePrefix: '/docs' });

  if (config.rateLimit.max > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      // Counted per authenticated user (the gate has run), per address for the public routes.
      keyGenerator: (req) => req.auth?.userId ?? req.ip,
      allowList: (req) => !req.routeOptions.config?.kooDrive || req.routeOptions.config.media === true,
      errorResponseBuilder: () => new AppError(ErrorCode.RateLimited),
    });
  }

  // Counts and times every request (its onResponse hook) and serves /metrics, outside the KooDrive gate.
  metricsRoutes(app, metrics, config.metricsToken);
  systemRoutes(app, readiness);
  authRoutes(app, domain, config);
  albumRoutes(app, domain, config);
  fileRoutes(app, domain, config);
  contentRoutes(app, domain, config);
  jobRoutes(app, domain, config);
  familyRoutes(app, domain);
  uploadRoutes(app, domain, config);
  userRoutes(app, domain);
  await webRoutes(app, { publicUrl: config.publicUrl });

  // At start-up no temporary file is this process's yet; stored content keeps its grace period (a
  // counter is never trusted alone), and per-blob locks keep the sweep off uploads that commit meanwhile.
  const startupSweep = domain.sweeper.sweep(BLOB_GRACE_MS, Date.now()).catch((error: unknown) => {
    app.log.error({ err: error }, 'start-up blob sweep failed');
    return undefined;
  });
  const sweepTimer = setInterval(() => {
    domain.uploads
      .expire()
      .then(() => domain.sweeper.sweep(BLOB_GRACE_MS))
      .then(() => domain.auth.forgetExpired())
      .catch((error: unknown) => app.log.error({ err: error }, 'blob sweep failed'));
  }, SWEEP_EVERY_MS);
  sweepTimer.unref();

  app.addHook('onClose', async () => {
    readiness.stopping();
    clearInterval(sweepTimer);
    await startupSweep;
    // Uploads cut at shutdown remove their partial files as their streams fail: let them finish.
    await services.blobs.settled();
    await domain.thumbnails.stop();
    await services.renderer.close();
    await lease.release().catch(() => undefined);
    if (!deps.store) await store.close();
  });
  await app.ready();
  readiness.started();
  return { app, store, domain, startupSweep, readiness, metrics };
}
