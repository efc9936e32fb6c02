import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, authHeaders } from './helpers/app.js';

test('create a manual album and list it', async () => {
  const t = await startTestApp();
  try {
    const u = await t.newUser();
    const res = await t.app.inject({ method: 'POST', url: '/koodrive/ose/v1/album/create', headers: authHeaders(u), payload: { name: 'albumName', type: 2, albumKind: 1 } });
    console.log(res.statusCode, res.body, res.headers['x-traceid']);
    assert.equal(res.statusCode, 200);
    const list = await t.app.inject({ method: 'GET', url: '/koodrive/ose/v1/album/list?albumKind=1&albumType=2', headers: authHeaders(u) });
    console.log(list.body);
    const bad = await t.app.inject({ method: 'POST', url: '/koodrive/ose/v1/album/create', headers: authHeaders(u), payload: { name: 'x'.repeat(21), type: 2, albumKind: 1 } });
    console.log(bad.statusCode, bad.body);
    const r405 = await t.app.inject({ method: 'GET', url: '/koodrive/ose/v1/album/create', headers: authHeaders(u) });
    console.log(r405.statusCode, r405.headers.allow, r405.body);
    const upd = await t.app.inject({ method: 'POST', url: `/koodrive/ose/v1/${JSON.parse(res.body).albumId}/update`, headers: authHeaders(u) });
    console.log(upd.statusCode, upd.body);
    const files = await t.app.inject({ method: 'POST', url: `/koodrive/ose/v1/files/update`, headers: authHeaders(u) });
    console.log(files.statusCode, files.body);
  } finally {
    await t.close();
  }
});
