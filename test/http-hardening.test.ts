import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startTestApp, client, authHeaders, type TestApp, type TestUser, type Api } from './helpers/app.js';
import { RawConnection, ROOT, rawHead, type RawResponse } from './helpers/process.js';
import { contentDisposition } from '../src/http/byte-headers.js';

const V1 = '/koodrive/ose/v1';

async function listening(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as net.AddressInfo).port;
}

/** Sends raw bytes on a fresh connection and reads the one answer. */
async function exchange(port: number, bytes: string): Promise<RawResponse> {
  const conn = await RawConnection.open(port);
  await conn.write(bytes);
  const answer = await conn.response();
  conn.destroy();
  assert.ok(answer, 'an answer before the connection closed');
  return answer;
}

/** The KooDrive envelope and nothing of what the client sent. */
function assertEnvelope(r: RawResponse, status: number, code: number, mustNotContain?: string): { code: number; msg: string } {
  assert.equal(r.status, status, r.body);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  const body = JSON.parse(r.body) as { code: number; msg: string };
  assert.deepEqual(Object.keys(body).sort(), ['code', 'msg'], r.body);
  assert.equal(body.code, code, r.body);
  assert.equal(typeof body.msg, 'string');
  if (mustNotContain) assert.ok(!r.body.includes(mustNotContain), `the answer echoes the request: ${r.body}`);
  return body;
}

describe('every answer is the envelope, malformed HTTP included (raw sockets)', () => {
  let t: TestApp;
  let u: TestUser;
  let port: number;
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    port = await listening(t);
  });
  after(() => t.close());

  test('a path parameter over 512 characters → 414 13000101, the path not echoed', async () => {
    const long = 'a'.repeat(600);
    assertEnvelope(await exchange(port, rawHead(`GET ${V1}/files/${long}/content HTTP/1.1`, {})), 414, 13000101, long);
  });

  test('a 60 KB header → 431 13000101, the header not echoed', async () => {
    const big = 'b'.repeat(60_000);
    assertEnvelope(await exchange(port, rawHead('GET /healthz HTTP/1.1', { 'X-Big': big })), 431, 13000101, 'bbbbbbbb');
  });

  test('Content-Length with Transfer-Encoding: chunked → 400 13000101', async () => {
    const head = rawHead(`POST ${V1}/album/create HTTP/1.1`, { 'Content-Type': 'application/json', 'Content-Length': 2, 'Transfer-Encoding': 'chunked' });
    assertEnvelope(await exchange(port, `${head}2\r\n{}\r\n0\r\n\r\n`), 400, 13000101);
  });

  test('a request line that is not HTTP → 400 13000101', async () => {
    assertEnvelope(await exchange(port, 'HELLO THERE\r\n\r\n'), 400, 13000101, 'HELLO');
  });

  test('a malformed percent-encoding in the path → 400 13000101', async () => {
    assertEnvelope(await exchange(port, rawHead(`GET ${V1}/files/%E0%A4%A/content HTTP/1.1`, {})), 400, 13000101, '%E0');
  });

  test('an Expect other than 100-continue → 417 13000101', async () => {
    assertEnvelope(await exchange(port, rawHead('GET /healthz HTTP/1.1', { Expect: 'teapot' })), 417, 13000101, 'teapot');
  });

  test('another method on a known path → 405 13001005 saying so, with Allow', async () => {
    const h = authHeaders(u);
    const r = await exchange(port, rawHead(`PUT ${V1}/album/create HTTP/1.1`, { Authorization: h.authorization!, 'X-User-Id': u.userId, 'X-Date': h['x-date']! }));
    const body = assertEnvelope(r, 405, 13001005);
    assert.match(body.msg, /method/i);
    assert.match(r.headers.allow ?? '', /^POST\b/);
    const unknown = assertEnvelope(await exchange(port, rawHead(`GET ${V1}/nothing/here HTTP/1.1`, {})), 404, 13001005);
    assert.doesNotMatch(unknown.msg, /method/i);
  });

  test('a request body that does not arrive within ALBUMD_REQUEST_TIMEOUT → 408 13000101', async () => {
    const slow = await startTestApp({ ALBUMD_REQUEST_TIMEOUT: '1' });
    try {
      const conn = await RawConnection.open(await listening(slow));
      // A public route, so nothing answers before the body is read.
      await conn.write(rawHead(`POST ${V1}/auth/login HTTP/1.1`, { 'Content-Type': 'application/json', 'Content-Length': 100 }));
      await conn.write('{"account":');
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 15_000)));
      const answer = await Promise.race([conn.response(), bound]);
      clearTimeout(timer);
      assert.ok(answer, 'answered within 15 s');
      assertEnvelope(answer, 408, 13000101);
      await conn.closed;
    } finally {
      await slow.close();
    }
  });
});

describe('bytes are never active content on the API origin', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    api = client(t, u);
  });
  after(() => t.close());

  async function download(id: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
    const links = await api.call('POST', `${V1}/files/download`, { containerId: u.containerId, fileIds: [id] });
    const url = new URL((links.body.downloads as { url: string }[])[0]!.url);
    return t.app.inject({ method, url: url.pathname + url.search, headers });
  }

  const script = '<script>alert(document.cookie)</script>';
  const cases: [string, string, 'inline' | 'attachment'][] = [
    ['x.html', `<!doctype html><html><body>${script}</body></html>`, 'attachment'],
    ['x.svg', `<svg xmlns="http://www.w3.org/2000/svg">${script}</svg>`, 'attachment'],
    ['x.xml', `<?xml version="1.0"?><x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></x>`, 'attachment'],
    ['note.txt', 'plain text', 'attachment'],
    ['photo.jpg', fs.readFileSync(path.join(ROOT, 'test/fixtures/sample.jpg')).toString('latin1'), 'inline'],
  ];
  for (const [name, content, disposition] of cases) {
    test(`${name} downloads as ${disposition}, nosniff, sandboxed; Range and HEAD keep the headers`, async () => {
      const up = await api.upload(name, Buffer.from(content, 'latin1'));
      assert.equal(up.status, 200, JSON.stringify(up.body));
      for (const res of [await download(up.body.id as string), await download(up.body.id as string, { range: 'bytes=0-3' }), await download(up.body.id as string, {}, 'HEAD')]) {
        assert.ok(res.statusCode === 200 || res.statusCode === 206, res.body);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['content-security-policy'], "default-src 'none'; sandbox");
        assert.match(String(res.headers['content-disposition']), new RegExp(`^${disposition}; filename="${name.replace('.', '\\.')}"; filename\\*=UTF-8''${name.replace('.', '\\.')}$`));
        assert.match(String(res.headers['cache-control']), /private/);
      }
      const part = await download(up.body.id as string, { range: 'bytes=0-3' });
      assert.deepEqual(part.rawPayload, Buffer.from(content, 'latin1').subarray(0, 4));
    });
  }

  test('a thumbnail is an inline JPEG, nosniff and sandboxed', async () => {
    const up = await api.upload('thumb.jpg', fs.readFileSync(path.join(ROOT, 'test/fixtures/sample.jpg')));
    await t.domain.thumbnails.idle();
    const res = await t.app.inject({ method: 'GET', url: `${V1}/files/${up.body.id}/thumbnail?size=s`, headers: authHeaders(u) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['content-security-policy'], "default-src 'none'; sandbox");
    assert.match(String(res.headers['content-disposition']), /^inline/);
  });

  test('file names with quotes, semicolons, percent signs and non-ASCII survive the header', async () => {
    const name = "naïve 'draft'; 100% (1) 照片 🎉.html";
    const up = await api.upload(name, '<b>x</b>');
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const header = String((await download(up.body.id as string)).headers['content-disposition']);
    assert.match(header, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    assert.equal(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(header)![1]!), name);
  });

  test('contentDisposition: CR, LF, quotes and backslashes cannot break out of the header', () => {
    for (const name of ['a"b.html', 'a\r\nSet-Cookie: x=1.html', 'a\\b.html', '"; filename="evil.html', '\u0000\u007f\u2028.txt']) {
      const header = contentDisposition(name, 'text/html');
      assert.match(header, /^attachment; filename="(?:[\x20-\x21\x23-\x5b\x5d-\x7e])*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/, header);
      assert.equal(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(header)![1]!), name);
    }
    assert.match(contentDisposition('a.png', 'image/png'), /^inline;/);
    assert.match(contentDisposition('a.svg', 'image/svg+xml'), /^attachment;/);
    assert.match(contentDisposition('a.mp4', 'video/mp4'), /^inline;/);
    assert.match(contentDisposition('a.bin', 'application/octet-stream'), /^attachment;/);
  });
});

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
};
type Path = (string | number)[];

/** The smallest value the schema accepts (enough for the validator to reach the field under test). */
function sample(s: Schema): unknown {
  if (s.anyOf) return sample(s.anyOf.find((b) => b.type !== 'null') ?? s.anyOf[0]!);
  if (s.enum) return s.enum[0];
  if (s.type === 'object') return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties![k]!)]));
  if (s.type === 'array') return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items!));
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 0;
  if (s.type === 'boolean') return false;
  return 'x'.repeat(Math.max(1, s.minLength ?? 1));
}

/** The branch of `s` (itself or inside anyOf) of the given type. */
const branch = (s: Schema, type: string): Schema | undefined =>
  s.type === type ? s : (s.anyOf ?? []).map((b) => branch(b, type)).find((b) => b !== undefined);

/**
 * Numeric leaves with their path. `loose`: a union above also admits a string, so the validator may
 * take the number as that string (scopeKind [-1] → "-1") and leave the verdict to the domain.
 */
function* numericFields(s: Schema, at: Path, loose = false): Generator<{ at: Path; schema: Schema; loose: boolean }> {
  const union = s.anyOf ?? [];
  for (const b of union) yield* numericFields(b, at, loose || union.some((x) => x.type === 'string'));
  if (s.type === 'integer' || s.type === 'number') yield { at, schema: s, loose };
  for (const [k, p] of Object.entries(s.properties ?? {})) yield* numericFields(p, [...at, k], loose);
  if (s.items) yield* numericFields(s.items, [...at, 0], loose);
}

/** A valid sample of `s` with `value` put at `at`. */
function withValue(s: Schema, at: Path, value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  if (typeof head === 'number') return [withValue(branch(s, 'array')!.items!, rest, value)];
  const obj = branch(s, 'object')!;
  return { ...(sample(obj) as object), [head!]: withValue(obj.properties![head!]!, rest, value) };
}

const BAD_JSON = ['9223372036854775807', '-9223372036854775808', '1e20', '1e400', '-1', '1.5', '"1e20"', '"Infinity"', '"9223372036854775807"'];
const BAD_QUERY = ['9223372036854775807', '-9223372036854775808', '1e20', '1e400', '-1', '1.5', 'Infinity', '-Infinity', 'NaN', '0x7fffffffffffffff'];
const outside = (s: Schema, raw: string): boolean => {
  const n = Number(raw.replace(/"/g, ''));
  if (s.enum) return !s.enum.includes(n);
  return !Number.isInteger(n) || n < (s.minimum ?? -Infinity) || n > (s.maximum ?? Infinity);
};

describe('numbers out of range are parameter errors, never 500 (every route of /openapi.json)', () => {
  let t: TestApp;
  let u: TestUser;
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
  });
  after(() => t.close());

  test('every numeric query and body field is bounded and refuses huge, negative and fractional values', async (c) => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    };
    const unbounded: string[] = [];
    let sent = 0;
    for (const [route, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method === 'head') continue;
        const params = op.parameters ?? [];
        const url = route.replace(/\{(\w+)\}/g, (_, name: string) => String(sample(params.find((p) => p.in === 'path' && p.name === name)!.schema)));
        const query = params.filter((p) => p.in === 'query');
        const baseQuery = Object.fromEntries(query.filter((p) => p.required).map((p) => [p.name, String(sample(p.schema))]));
        const bodySchema = op.requestBody?.content['application/json']?.schema;
        const targets: { where: string; field: string; schema: Schema; loose?: boolean; send: (raw: string) => { query: Record<string, string>; body?: string } }[] = [];
        for (const p of query) {
          for (const f of numericFields(p.schema, [])) {
            targets.push({ where: 'query', field: p.name, schema: f.schema, send: (raw) => ({ query: { ...baseQuery, [p.name]: raw }, body: bodySchema ? JSON.stringify(sample(bodySchema)) : undefined }) });
          }
        }
        for (const f of bodySchema ? numericFields(bodySchema, []) : []) {
          const field = f.at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
          targets.push({ where: 'body', field, schema: f.schema, loose: f.loose, send: (raw) => ({ query: baseQuery, body: JSON.stringify(withValue(bodySchema!, f.at, '__BAD__')).replace('"__BAD__"', raw) }) });
        }
        for (const target of targets) {
          const where = `${method.toUpperCase()} ${route} ${target.where} ${target.field}`;
          if (!target.schema.enum && (target.schema.minimum === undefined || target.schema.maximum === undefined)) unbounded.push(where);
          for (const raw of target.where === 'query' ? BAD_QUERY : BAD_JSON) {
            if (!outside(target.schema, raw)) continue;
            const { query: q, body } = target.send(raw);
            const res = await t.app.inject({
              method: method.toUpperCase() as 'GET',
              url: `${url}?${new URLSearchParams(q).toString()}`,
              headers: { ...authHeaders(u), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
              ...(body !== undefined ? { payload: body } : {}),
            });
            sent += 1;
            assert.equal(res.statusCode, 400, `${where} = ${raw}: ${res.body}`);
            const answer = res.json() as { code: number; msg: string };
            assert.equal(answer.code, 13000102, `${where} = ${raw}: ${res.body}`);
            if (!target.loose) assert.ok(answer.msg.startsWith(`${target.field}: `), `${where} = ${raw}: the message names the field: ${answer.msg}`);
          }
        }
      }
    }
    assert.deepEqual(unbounded, [], 'numeric fields without a minimum and a maximum (or an enum)');
    c.diagnostic(`${sent} out-of-range values sent`);
    assert.ok(sent > 100, `only ${sent} requests sent: the walk found too few numeric fields`);
  });
});
