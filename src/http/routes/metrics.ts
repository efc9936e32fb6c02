import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { UNMATCHED_ROUTE, type Metrics } from '../../metrics/metrics.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** `Authorization: Bearer <token>` naming `expected`; compared in constant time (of equal-length digests). */
function bearerMatches(header: string | string[] | undefined, expected: Buffer): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const sent = value === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(value)?.[1];
  return timingSafeEqual(digest(sent ?? ''), expected) && sent !== undefined;
}

/**
 * Every answered request counted and timed by its route pattern (never the raw URL; one value for
 * what matched no route), and `GET /metrics` in Prometheus text — outside the KooDrive gate and the
 * OpenAPI document, behind `Authorization: Bearer <ALBUMD_METRICS_TOKEN>` when that is set.
 * Registered before the routes, so that its hook sees all of them.
 */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  app.addHook('onResponse', async (req, reply) => {
    metrics.request(req.routeOptions.url ?? UNMATCHED_ROUTE, req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  const expected = token === undefined ? undefined : digest(token);
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (expected !== undefined && !bearerMatches(req.headers.authorization, expected)) {
      reply.header('www-authenticate', 'Bearer realm="albumd metrics"');
      throw new AppError(ErrorCode.Unauthenticated);
    }
    const text = await metrics.render();
    return reply.type(metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
