import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, tempDir, type TestApp } from './helpers/app.js';

/**
 * The gallery's files on the API's port: `/` never cached and held to the page's policy, hashed
 * assets cached for good, nothing outside the build served, and the API alone when there is no build.
 */
describe('serving the web gallery', () => {
  const apps: TestApp[] = [];
  after(async () => {
    for (const a of apps) await a.close();
    delete process.env.ALBUMD_GALLERY_DIR;
  });

  const withGallery = async (dir: string): Promise<TestApp> => {
    process.env.ALBUMD_GALLERY_DIR = dir;
    const t = await startTestApp({ ALBUMD_PUBLIC_URL: 'https://photos.example.org' });
    apps.push(t);
    return t;
  };

  test('index.html not cached, with a policy that allows only albumd; hashed assets immutable; nothing else', async () => {
    const dir = tempDir('albumd-gallery-');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>albumd</title><script type="module" src="/assets/index-AbC123.js"></script>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the web');
    const t = await withGallery(dir);

    const page = await t.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /img-src 'self' https:\/\/photos\.example\.org/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval|\*/);

    const asset = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
    assert.match(String(asset.headers['cache-control']), /max-age=31536000.*immutable/);
    assert.equal(asset.body, 'console.log(1)');

    for (const url of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/secret.txt', '/index.html', '/assets/nope.js', '/assets/..%5csecret.txt', '/assets/%00.js']) {
      const r = await t.app.inject({ method: 'GET', url });
      assert.ok(r.statusCode === 404 || r.statusCode === 400, `${url}: ${r.statusCode}`);
      const body = r.json() as { code: number; msg: string };
      assert.equal(typeof body.code, 'number', url);
      assert.ok(!r.body.includes('not for the web'), url);
    }
    // HEAD is answered as GET would be; a range past the end and a failed precondition keep their
    // status (caches rely on them), with the envelope.
    assert.equal((await t.app.inject({ method: 'HEAD', url: '/assets/nope.js' })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'HEAD', url: '/assets/index-AbC123.js' })).statusCode, 200);
    const dir404 = await t.app.inject({ method: 'GET', url: '/assets/' });
    assert.equal(dir404.statusCode, 404);
    assert.equal((dir404.json() as { code: number }).code, 13001005);
    const range = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js', headers: { range: 'bytes=99999-' } });
    assert.equal(range.statusCode, 416);
    assert.equal((range.json() as { code: number }).code, 13000101);
    const pre = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123.js', headers: { 'if-match': '"nope"' } });
    assert.equal(pre.statusCode, 412);
    assert.equal((pre.json() as { code: number }).code, 13000101);
    const post = await t.app.inject({ method: 'POST', url: '/' });
    assert.equal(post.statusCode, 405);
    assert.match(String(post.headers.allow), /GET, HEAD/);

    // A new build replacing the old under the running server is served at once.
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>albumd v2</title>');
    assert.match((await t.app.inject({ method: 'GET', url: '/' })).body, /v2/);

    // The API is still the API.
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });

  test('no build: the API alone, and / answers the catalogue 404', async () => {
    const t = await withGallery(path.join(tempDir('albumd-nogallery-'), 'missing'));
    const r = await t.app.inject({ method: 'GET', url: '/' });
    assert.equal(r.statusCode, 404);
    assert.equal((r.json() as { code: number }).code, 13001005);
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
