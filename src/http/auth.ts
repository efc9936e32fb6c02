import type { FastifyInstance } from 'fastify';
import type { Domain } from '../domain/index.js';
import { AppError, ErrorCode, invalidParam } from '../domain/errors.js';
import { TRACE_ID_RE } from '../domain/auth/credentials.js';
import { newTraceId } from '../ids.js';
import { languageOf } from './reply.js';

/** Fixed path segments that are never an album ID (decisions.md §1: fixed prefixes always win). */
const RESERVED_SEGMENTS = new Set([
  'album', 'auth', 'backup', 'cancel', 'directory', 'files', 'jobs', 'share', 'sharefolder', 'space', 'user',
  'users', 'usergroupsInvite',
]);

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** X-Traceid when well-formed, else a new one (a malformed one is refused later, in catalogue order). */
export function traceIdOf(raw: { headers: Record<string, string | string[] | undefined> }): string {
  const sent = header(raw.headers['x-traceid']);
  return sent !== undefined && TRACE_ID_RE.test(sent) ? sent : newTraceId();
}

/** The KooDrive header gate of decisions.md §3 on every route marked kooDrive and not public. */
export function registerAuthGate(app: FastifyInstance, domain: Domain): void {
  app.decorateRequest('lang', 'en');
  app.decorateRequest('auth', undefined);
  app.decorateRequest('badTraceId', false);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-traceid', req.id);
    req.lang = languageOf(req.headers.language);
    const sent = header(req.headers['x-traceid']);
    req.badTraceId = sent !== undefined && sent !== req.id;
    const config = req.routeOptions.config;
    if (!config?.kooDrive) return;
    const albumId = (req.params as { albumId?: string } | undefined)?.albumId;
    if (albumId !== undefined && RESERVED_SEGMENTS.has(albumId)) throw new AppError(ErrorCode.UnknownRoute);
    if (config.public) return;
    req.auth = await domain.auth.authenticate({
      authorization: header(req.headers.authorization),
      userId: header(req.headers['x-user-id']),
      xDate: header(req.headers['x-date']),
    });
  });

  app.addHook('preValidation', async (req) => {
    if (req.badTraceId && req.routeOptions.config?.kooDrive) {
      throw invalidParam('X-Traceid', { en: 'must be 58 characters of letters, digits and _', zh: '须为 58 个字母、数字或下划线' });
    }
  });
}

/** The authenticated caller of a gated route. */
export function callerOf(req: { auth: { userId: string } | undefined }): string {
  if (!req.auth) throw new AppError(ErrorCode.Unauthenticated);
  return req.auth.userId;
}
