import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestApp, client, authHeaders, type TestApp, type TestUser } from './helpers/app.js';
import { RawConnection, type RawResponse } from './helpers/process.js';

/**
 * Requests Node would answer (or drop) on its own, before any route: an HTTP/1.1 request without a
 * Host header (Node's bodiless 400) and CONNECT (Node closes the connection without a word). They get
 * the envelope of decisions.md §4 too, over real sockets.
 */

const V1 = '/koodrive/ose/v1';

/** A request head without the Host header rawHead() always adds. */
const head = (requestLine: string, headers: Record<string, string | number> = {}): string =>
  `${[requestLine, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n')}\r\n\r\n`;

/** Sends `bytes` on a fresh connection; the one answer and whether the server then closed. */
async function exchange(port: number, bytes: string): Promise<{ answer: RawResponse; closed: boolean }> {
  const conn = await RawConnection.open(port);
  await conn.write(bytes);
  const answer = await conn.response();
  assert.ok(answer, 'an answer before the connection closed');
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([conn.closed.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), 2000)))]);
  clearTimeout(timer);
  conn.destroy();
  return { answer, closed };
}

function envelope(r: RawResponse, status: number, code: number): { code: number; msg: string } {
  assert.equal(r.status, status, r.body);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  const body = JSON.parse(r.body) as { code: number; msg: string };
  assert.deepEqual(Object.keys(body).sort(), ['code', 'msg'], r.body);
  assert.equal(body.code, code, r.body);
  return body;
}

describe('requests Node answers on its own get the envelope (raw sockets)', () => {
  let t: TestApp;
  let u: TestUser;
  let port: number;
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  after(() => t.close());

  test('HTTP/1.1 without Host → 400 13000101, then the connection closes', async () => {
    const { answer, closed } = await exchange(port, head('GET /healthz HTTP/1.1'));
    const body = envelope(answer, 400, 13000101);
    assert.match(body.msg, /host/i);
    assert.equal(answer.headers.connection, 'close');
    assert.ok(closed, 'the server closed the connection');
    envelope((await exchange(port, head(`GET ${V1}/no/such/route HTTP/1.1`))).answer, 400, 13000101);
  });

  test('HTTP/1.1 without Host is refused before the route runs (no album is created), in the caller’s language', async () => {
    const h = authHeaders(u);
    const json = '{"name":"nohost","type":2,"albumKind":1}';
    const { answer } = await exchange(
      port,
      head(`POST ${V1}/album/create HTTP/1.1`, { Authorization: h.authorization!, 'X-User-Id': u.userId, 'X-Date': h['x-date']!, 'Content-Type': 'application/json', 'Content-Length': json.length, language: 'zh_cn' }) + json,
    );
    const body = envelope(answer, 400, 13000101);
    assert.match(body.msg, /Host/);
    assert.match(body.msg, /请求/);
    const list = await client(t, u).call('GET', `${V1}/album/list?albumKind=1&albumType=2`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.albumList, [], JSON.stringify(list.body));
  });

  test('HTTP/1.0 without Host is served, and signed URLs name the address the client reached', async () => {
    const health = await exchange(port, head('GET /healthz HTTP/1.0'));
    assert.equal(health.answer.status, 200, health.answer.body);
    const up = await client(t, u).upload('nohost.txt', 'some text');
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const h = authHeaders(u);
    const json = JSON.stringify({ containerId: u.containerId, fileIds: [up.body.id] });
    const { answer } = await exchange(
      port,
      head(`POST ${V1}/files/download HTTP/1.0`, { Authorization: h.authorization!, 'X-User-Id': u.userId, 'X-Date': h['x-date']!, 'Content-Type': 'application/json', 'Content-Length': json.length }) + json,
    );
    assert.equal(answer.status, 200, answer.body);
    const url = (JSON.parse(answer.body) as { downloads: { url: string }[] }).downloads[0]!.url;
    assert.equal(new URL(url).origin, `http://127.0.0.1:${port}`);
  });

  test('CONNECT → 405 13001005, then the connection closes', async () => {
    const { answer, closed } = await exchange(port, head('CONNECT 127.0.0.1:22 HTTP/1.1', { Host: '127.0.0.1:22' }));
    const body = envelope(answer, 405, 13001005);
    assert.match(body.msg, /method/i);
    assert.equal(answer.headers.connection, 'close');
    assert.ok(closed, 'the server closed the connection');
  });

  test('CONNECT with tunnel bytes right behind it is answered all the same; the server stays up', async () => {
    const { answer } = await exchange(port, `${head('CONNECT example.org:443 HTTP/1.1', { Host: 'example.org:443', language: 'zh_cn' })}\x16\x03\x01\x00\x05hello`);
    assert.match(envelope(answer, 405, 13001005).msg, /不支持/);
    const after = await exchange(port, head('GET /healthz HTTP/1.1', { Host: '127.0.0.1' }));
    assert.equal(after.answer.status, 200);
  });
});
