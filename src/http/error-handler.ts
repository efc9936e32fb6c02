import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  ErrorCode,
  badRequest,
  catalogueMessage,
  databaseConflict,
  invalidParam,
  storageFull,
  type Localized,
} from '../domain/errors.js';
import { describeValidation } from './validation-message.js';

const tooLarge: Localized = { en: 'Bad request: the body is too large', zh: '请求错误：请求体过大' };
const malformedRequest: Localized = { en: 'Bad request: malformed request', zh: '请求错误：请求格式错误' };
const preconditionFailed: Localized = { en: 'Bad request: a precondition of the request failed', zh: '请求错误：请求的前提条件不成立' };
const rangeNotSatisfiable: Localized = { en: 'Bad request: the range is outside the file', zh: '请求错误：请求的范围超出文件' };

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
  const full = storageFull(error) ?? databaseConflict(error);
  if (full) return full;
  const status = error.statusCode ?? 500;
  if (status === 429) return new AppError(ErrorCode.RateLimited);
  // A file route's own answers keep their meaning for caches and browsers (a range past the end, a
  // failed precondition, a file that is not there or not to be served); every other client error is
  // a malformed request.
  if (status === 403 || status === 404) return new AppError(ErrorCode.UnknownRoute);
  if (status === 412) return new AppError(ErrorCode.BadRequest, preconditionFailed, undefined, 412);
  if (status === 416) return new AppError(ErrorCode.BadRequest, rangeNotSatisfiable, undefined, 416);
  if (status >= 400 && status < 500) return badRequest(malformedRequest);
  return undefined;
}

/** Answers every error as its envelope; `answered` hears each code sent (for /metrics). */
export function registerErrorHandler(app: FastifyInstance, answered: (code: number) => void = () => undefined): void {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    let known = toAppError(error);
    if (known) {
      if (known.status >= 500) req.log.error({ err: error }, 'request failed');
    } else {
      req.log.error({ err: error }, 'unexpected failure');
      known = new AppError(ErrorCode.Internal);
    }
    answered(known.code);
    return send(reply, req, known);
  });
}
