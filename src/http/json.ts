import type { FastifyInstance } from 'fastify';
import { isSafeNumber, parse } from 'lossless-json';
import { badRequest } from '../domain/errors.js';

/** Digits enough to pass 2^53: only such bodies pay for the lossless parser. */
const LONG_NUMBER = /\d{16}/;

/** Numbers beyond double precision (19-digit IDs sent bare) are kept as their exact decimal text. */
export function parseJsonLossless(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text);
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : value));
}

const malformed = { en: 'Bad request: malformed JSON body', zh: '请求错误：JSON 格式错误' };
const notObject = { en: 'Bad request: the body must be a JSON object', zh: '请求错误：请求体必须是 JSON 对象' };
const wrongType = { en: 'Bad request: the body must be application/json', zh: '请求错误：请求体必须是 application/json' };

/** JSON bodies (lossless, objects only) and empty bodies of any content type; anything else is refused. */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') {
      done(null, undefined);
      return;
    }
    let value: unknown;
    try {
      value = parseJsonLossless(text);
    } catch {
      done(badRequest(malformed), undefined);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      done(badRequest(notObject), undefined);
      return;
    }
    done(null, value);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    if ((body as Buffer).length === 0) done(null, undefined);
    else done(badRequest(wrongType), undefined);
  });
}

/** An empty body is no body: validate it as {} so the message names the first missing field. */
export function registerEmptyBodyDefault(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined && req.routeOptions.schema?.body) req.body = {};
  });
}
