import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';

/**
 * Connection lifetimes. Fastify's defaults let an idle kept-alive connection live 72 s and a silent
 * client hold a socket (and an upload's temporary file) forever, so SIGTERM waited for them.
 */

/** Fastify constructor options for `config.timeouts`. */
export function timeoutOptions(t: Config['timeouts']) {
  // Node checks header and request deadlines on an interval (default 30 s); a quarter of the
  // shorter deadline keeps the overshoot small without a busy loop.
  const headersTimeout = Math.min(60_000, t.requestMs);
  return {
    connectionTimeout: t.idleMs,
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    // Fastify's 503 during a drain is `{"error":…}`, not the envelope; a request that still reaches a
    // route while draining is simply served, on a connection marked to close.
    return503OnClosing: false,
    http: {
      // Node's own answer to an HTTP/1.1 request without Host is a bodiless 400; raw-errors.ts
      // refuses it with the envelope instead, in the first hook.
      requireHostHeader: false,
      requestTimeout: t.requestMs,
      headersTimeout,
      keepAliveTimeout: t.keepAliveMs,
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(headersTimeout / 4))),
    },
  };
}

/**
 * What a silent socket means (the server's 'timeout' event, after `connectionTimeout` of silence):
 * the client is stalled — mid-body, not reading a download, or idle — and the socket is destroyed,
 * which fails the request's body stream so the blob store discards its temporary file. The one
 * silence that is ours is a request fully received whose answer has not begun (completing a big
 * multipart upload hashes gigabytes): that one is left alone, and the timer re-arms when we write.
 */
export function watchIdleSockets(server: Server): void {
  const current = new WeakMap<Socket, ServerResponse>();
  server.on('request', (req, res: ServerResponse) => current.set(req.socket, res));
  server.on('timeout', (socket: Socket) => {
    const res = current.get(socket);
    if (res && !res.writableEnded && res.req.complete && !res.headersSent) return;
    socket.destroy();
  });
}

export interface Drain {
  /** Stop keeping connections: idle ones close now and as they become idle, answers close theirs. */
  begin(): void;
  /** Destroy every remaining connection; returns how many requests were still being handled. */
  cut(): number;
  readonly inFlight: number;
}

/** Tracks requests being handled, for a shutdown that lets them finish and then cuts the rest. */
export function trackRequests(server: Server): Drain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let poll: NodeJS.Timeout | undefined;
  // An answer not yet begun says `Connection: close`, so the client does not reuse the socket.
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (draining) closeAfter(res);
  });
  return {
    begin() {
      draining = true;
      inFlight.forEach(closeAfter);
      server.closeIdleConnections();
      // An answer whose head went out before the drain (a download) leaves its connection idle
      // afterwards; Node closes idle connections only once, at server.close().
      poll = setInterval(() => server.closeIdleConnections(), 100);
      poll.unref();
    },
    cut() {
      const cut = inFlight.size;
      clearInterval(poll);
      server.closeAllConnections();
      return cut;
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}
