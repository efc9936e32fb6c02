import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, type Localized } from '../domain/errors.js';
import { languageOf } from './reply.js';

/**
 * Answers made before a request reaches a route — by Node (malformed HTTP, timeouts, Expect, a missing
 * Host, CONNECT) or by Fastify's router (bad URL encoding, an over-long path parameter). Left to
 * themselves they answer `{"error":…}`, an empty body or nothing at all, or echo the path; here they
 * answer the envelope of decisions.md §4, code 13000101 (13001005 for CONNECT), keeping the 4xx status
 * Node or Fastify chose. Nothing the client sent is echoed back.
 */

const messages = {
  malformed: { en: 'Bad request: malformed HTTP request', zh: '请求错误：HTTP 请求格式错误' },
  headersTooLarge: { en: 'Bad request: the request headers are too large', zh: '请求错误：请求头过大' },
  timeout: { en: 'Bad request: the request was not received in time', zh: '请求错误：未能及时收到完整请求' },
  chunkExtension: { en: 'Bad request: a chunk extension is too large', zh: '请求错误：分块扩展过大' },
  paramTooLong: { en: 'Bad request: a path segment is too long', zh: '请求错误：路径参数过长' },
  badUrl: { en: 'Bad request: the path is not valid URL encoding', zh: '请求错误：路径编码无效' },
  expectation: { en: 'Bad request: only Expect: 100-continue is supported', zh: '请求错误：仅支持 Expect: 100-continue' },
  noHost: { en: 'Bad request: an HTTP/1.1 request must have a Host header', zh: '请求错误：HTTP/1.1 请求必须带 Host 请求头' },
  // The words of the router's own 405 (not-found.ts).
  connect: { en: 'Method not allowed.', zh: '不支持该请求方法。' },
} satisfies Record<string, Localized>;

const body = (msg: string, code: number = ErrorCode.BadRequest): string => JSON.stringify({ code, msg });

/** A whole answer for a socket no ServerResponse owns, closing the connection. */
function rawAnswer(status: number, text: string, extra = ''): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nX-Content-Type-Options: nosniff\r\n${extra}Connection: close\r\n\r\n${text}`
  );
}

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
  if (socket.writable && !current?.headersSent) socket.write(rawAnswer(status, body(msg.en)));
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

/** How long a refused CONNECT's socket may stay half-open, waiting for the client to close its side. */
const CONNECT_LINGER_MS = 1000;

/**
 * The server's 'connect' listener: CONNECT asks for a tunnel, which albumd does not offer (without a
 * listener Node closes the connection without a word). 405 with an empty Allow (no method opens a
 * tunnel here), then close.
 */
export function refuseConnect(req: IncomingMessage, socket: Duplex): void {
  // Node handed the socket over and took its own 'error' listener away: a reset must not crash us.
  socket.on('error', () => undefined);
  // Tunnel bytes the client sent on are read and dropped, so that closing is a FIN, not a reset that
  // could destroy our answer before the client reads it.
  socket.resume();
  socket.end(rawAnswer(405, body(messages.connect[languageOf(req.headers.language)], ErrorCode.UnknownRoute), 'Allow: \r\n'));
  setTimeout(() => socket.destroy(), CONNECT_LINGER_MS).unref();
}

/**
 * Where a Host header is missing (Node's requireHostHeader is off, connections.ts, as its 400 has no
 * body): an HTTP/1.1 request is refused, first of all hooks, before any route runs (RFC 9112 §3.2: a
 * server MUST answer 400). An HTTP/1.0 request may lack it (old health probes do): it gets the address
 * the client reached, so everything built from the request's host (signed URLs' origin) stays valid.
 */
export function registerHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    const raw = req.raw;
    if (raw.headers.host) return;
    if (raw.httpVersionMajor === 1 && raw.httpVersionMinor === 0) {
      raw.headers.host = localAuthority(raw.socket);
      return;
    }
    return reply
      .code(400)
      .header('x-traceid', req.id)
      .header('x-content-type-options', 'nosniff')
      .header('connection', 'close')
      .type('application/json; charset=utf-8')
      .send(body(messages.noHost[languageOf(req.headers.language)]));
  });
}

/** `address:port` of our end of the connection, as a Host header says it. */
function localAuthority(socket: Socket): string {
  const address = socket.localAddress;
  if (!address) return 'localhost';
  return `${address.includes(':') ? `[${address}]` : address}:${socket.localPort ?? ''}`;
}
