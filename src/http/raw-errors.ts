import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, type Localized } from '../domain/errors.js';
import { languageOf } from './reply.js';

/**
 * Answers made before a request reaches a route — by Node (malformed HTTP, timeouts, Expect) or by
 * Fastify's router (bad URL encoding, an over-long path parameter). Left to themselves they answer
 * `{"error":…}` or echo the path; here they answer the envelope of decisions.md §4, code 13000101,
 * keeping the 4xx status Node or Fastify chose. Nothing the client sent is echoed back.
 */

const messages = {
  malformed: { en: 'Bad request: malformed HTTP request', zh: '请求错误：HTTP 请求格式错误' },
  headersTooLarge: { en: 'Bad request: the request headers are too large', zh: '请求错误：请求头过大' },
  timeout: { en: 'Bad request: the request was not received in time', zh: '请求错误：未能及时收到完整请求' },
  chunkExtension: { en: 'Bad request: a chunk extension is too large', zh: '请求错误：分块扩展过大' },
  paramTooLong: { en: 'Bad request: a path segment is too long', zh: '请求错误：路径参数过长' },
  badUrl: { en: 'Bad request: the path is not valid URL encoding', zh: '请求错误：路径编码无效' },
  expectation: { en: 'Bad request: only Expect: 100-continue is supported', zh: '请求错误：仅支持 Expect: 100-continue' },
} satisfies Record<string, Localized>;

const body = (msg: string): string => JSON.stringify({ code: ErrorCode.BadRequest, msg });

/** Node's clientError codes → status and message; anything else is a 400. */
function clientErrorAnswer(code: string | undefined): [number, Localized] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, messages.headersTooLarge];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, messages.timeout];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, messages.chunkExtension];
    default:
      return [400, messages.malformed];
  }
}

/**
 * Fastify's `clientErrorHandler`: the socket has no usable request (headers cannot be parsed, or the
 * request timed out), so the answer is written raw and the connection closed, as Node itself does.
 * English only: the `language` header may be exactly what could not be parsed.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, msg] = clientErrorAnswer(error.code);
  this.log.debug({ err: error, status }, 'client error');
  // Node's rule: a response whose head already went out cannot be followed by another one.
  const current = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !current?.headersSent) {
    const text = body(msg.en);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

/** Fastify's `frameworkErrors`: the router refused the URL before any route or hook ran. */
export function frameworkErrors(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const [status, msg] = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? [414, messages.paramTooLong] : [400, messages.badUrl];
  void reply
    .code(status)
    .header('x-traceid', req.id)
    .header('x-content-type-options', 'nosniff')
    .type('application/json; charset=utf-8')
    .send(body(msg[languageOf(req.headers.language)]));
}

/** The server's `checkExpectation` listener: an Expect other than 100-continue (Node's 417 has no body). */
export function answerExpectation(req: IncomingMessage, res: ServerResponse): void {
  const text = body(messages.expectation[languageOf(req.headers.language)]);
  res.writeHead(417, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    connection: 'close',
  });
  res.end(text);
}
