import type { FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { AppError, ErrorCode, type Localized } from '../domain/errors.js';

const methodNotAllowed: Localized = { en: 'Method not allowed.', zh: '不支持该请求方法。' };

/**
 * 404 for an unknown path, 405 (with Allow) for a known path under another method; both answer
 * 13001005. Fastify alone answers 404 for both, so a method-blind copy of the routes tells them apart.
 */
export function registerNotFound(app: FastifyInstance): void {
  const router = FindMyWay({ maxParamLength: 512 });
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    const list = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of list.map((x) => x.toUpperCase()) as HTTPMethod[]) {
      if (m === 'HEAD' || router.hasRoute(m, route.url)) continue;
      router.on(m, route.url, () => undefined);
      methods.add(m);
    }
  });

  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    // HEAD is GET without the body: a HEAD nothing answers is a 404, as its GET would be.
    const asked = req.method === 'HEAD' ? 'GET' : req.method;
    const allowed = [...methods].filter((m) => m !== asked && router.find(m as HTTPMethod, path) !== null);
    if (allowed.includes('GET')) allowed.push('HEAD');
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      throw new AppError(ErrorCode.UnknownRoute, methodNotAllowed, undefined, 405);
    }
    throw new AppError(ErrorCode.UnknownRoute);
  });
}
