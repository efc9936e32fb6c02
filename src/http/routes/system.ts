import type { FastifyInstance } from 'fastify';
import type { Store } from '../../db/database.js';
import { ok } from '../reply.js';

/** Health, readiness and the OpenAPI document: no credentials. */
export function systemRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', { schema: { hide: true } }, async (req) => ok(req, { status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    try {
      await store.read.users.findById('readiness-probe');
      return ok(req, { status: 'ready' });
    } catch {
      return reply.code(503).send({ code: 13000201, msg: 'database unavailable', status: 'unavailable' });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
