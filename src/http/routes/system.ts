import type { FastifyInstance } from 'fastify';
import { ErrorCode, type Localized } from '../../domain/errors.js';
import type { NotReady, Readiness } from '../../metrics/readiness.js';
import { ok } from '../reply.js';

const notReady: Record<NotReady, Localized> = {
  starting: { en: 'Not ready: the server is starting.', zh: '未就绪：服务器正在启动。' },
  stopping: { en: 'Not ready: the server is shutting down.', zh: '未就绪：服务器正在关闭。' },
  database: { en: 'Not ready: the database does not answer.', zh: '未就绪：数据库无响应。' },
  blobs: { en: 'Not ready: the file store cannot be read or written.', zh: '未就绪：文件存储无法读写。' },
};

/** Health, readiness and the OpenAPI document: no credentials. */
export function systemRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get('/healthz', { schema: { hide: true } }, async (req) => ok(req, { status: 'ok' }));
  // A failed probe is answered here rather than thrown: a load balancer asks every few seconds, and
  // the error handler would log each one as a server failure.
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    const reason = await readiness.check();
    if (reason === undefined) return ok(req, { status: 'ready' });
    return reply
      .code(503)
      .header('cache-control', 'no-store')
      .send({ code: ErrorCode.Internal, msg: notReady[reason][req.lang], status: 'unavailable', reason });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
