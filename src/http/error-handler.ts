import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  ErrorCode,
  badRequest,
  catalogueMessage,
  invalidParam,
  storageFull,
  type Localized,
} from '../domain/errors.js';
import { describeValidation } from './validation-message.js';

const tooLarge: Localized = { en: 'Bad request: the body is too large', zh: '请求错误：请求体过大' };
const malformedRequest: Localized = { en: 'Bad request: malformed request', zh: '请求错误：请求格式错误' };

function send(reply: FastifyReply, req: FastifyRequest, error: AppError): FastifyReply {
  const body: Record<string, unknown> = { code: error.code, msg: error.localizedMessage(req.lang) };
  if (error.failList) {
    body.failList = error.failList.map((f) => ({
      fileId: f.fileId,
      code: f.code,
      msg: catalogueMessage(f.code, req.lang),
    }));
  }
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/** Turns any framework error into a catalogue error; only AppErrors reach clients verbatim. */
export function toAppError(error: FastifyError): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const { field, rule } = describeValidation(error.validation, error.validationContext ?? 'body');
    return invalidParam(field, rule);
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return badRequest(tooLarge);
  const full = storageFull(error);
  if (full) return full;
  const status = error.statusCode ?? 500;
  if (status === 429) return new AppError(ErrorCode.RateLimited);
  if (status >= 400 && status < 500) return badRequest(malformedRequest);
  return undefined;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const known = toAppError(error);
    if (known) {
      if (known.status >= 500) req.log.error({ err: error }, 'request failed');
      return send(reply, req, known);
    }
    req.log.error({ err: error }, 'unexpected failure');
    return send(reply, req, new AppError(ErrorCode.Internal));
  });
}
