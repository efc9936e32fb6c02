import type { FastifyRequest } from 'fastify';
import type { Caller } from '../domain/context.js';
import { callerOf } from './auth.js';

/** The caller and the origin its signed URLs should use (ALBUMD_PUBLIC_URL, else the request's). */
export function callerWithOrigin(req: FastifyRequest, publicUrl: string | undefined): Caller {
  return { userId: callerOf(req), origin: publicUrl ?? `${req.protocol}://${req.host}` };
}
