import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestApp, client, authHeaders, type TestApp, type TestUser } from './helpers/app.js';

describe("another user's files, and links after recycling", () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let mine: ReturnType<typeof client>;
  let theirs: ReturnType<typeof client>;
  let fileId: string;
  let folderId: string;
  before(async () => {
    t = await startTestApp();
    owner = await t.newUser();
    other = await t.newUser();
    mine = client(t, owner);
    theirs = client(t, other);
    folderId = await mine.folder('Private');
    fileId = (await mine.upload('secret.jpg', Buffer.from('not really a jpeg'), folderId)).body.id as string;
  });
  after(() => t.close());

  test('every file endpoint answers 13000309 for a file or folder of another user, as for one that does not exist', async () => {
    const sc = other.containerId;
    const calls: [string, () => ReturnType<typeof theirs.call>][] = [
      ['detail', () => theirs.call('POST', `/koodrive/ose/v1/files/${fileId}/detail`, { containerId: sc })],
      ['list folder', () => theirs.list(0, { parentFileId: folderId })],
      ['mkdir inside', () => theirs.call('POST', '/koodrive/ose/v1/directory', { fileName: 'x', parentFolder: [folderId], containerId: sc })],
      ['upload inside', () => theirs.upload('x.txt', 'x', folderId)],
      ['create upload inside', () => theirs.call('POST', '/koodrive/ose/v1/files/create', { fileName: 'x', length: 1, parentFolder: [folderId], containerId: sc })],
      ['rename', () => theirs.call('POST', `/koodrive/ose/v1/files/rename/${fileId}`, { containerId: sc, name: 'mine.jpg' })],
      ['recycle', () => theirs.job(2, [fileId])],
      ['delete', () => theirs.job(2, [fileId], { actionType: 202 })],
      ['restore', () => theirs.job(4, [fileId])],
      ['move', () => theirs.job(3, [fileId], {}, { dstFolderId: 'root' })],
      ['move into', () => theirs.job(3, [fileId], {}, { dstFolderId: folderId })],
      ['scope of an album', () => theirs.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [folderId], scopeKind: 1 })],
    ];
    for (const [name, call] of calls) {
      const r = await call();
      assert.equal(r.body.code, 13000309, `${name}: ${JSON.stringify(r.body)}`);
    }
    const download = await theirs.call('POST', '/koodrive/ose/v1/files/download', { containerId: other.containerId, fileIds: [fileId, 'Fdoesnotexist'] });
    assert.deepEqual((download.body.downloads as { code: number }[]).map((d) => d.code), [13000309, 13000309]);
    const thumb = await t.app.inject({ method: 'GET', url: `/koodrive/ose/v1/files/${fileId}/thumbnail`, headers: authHeaders(other) });
    assert.equal(thumb.json().code, 13000309);
    const detail = await mine.call('POST', `/koodrive/ose/v1/files/${fileId}/detail`, { containerId: owner.containerId });
    assert.equal(detail.body.fileName, 'secret.jpg', 'nothing changed');
  });

  test('a signed URL stops working when the file is recycled, and works again on restore', async () => {
    const f = (await mine.upload('link.txt', 'linked')).body;
    const link = await mine.call('POST', '/koodrive/ose/v1/files/download', { containerId: owner.containerId, fileIds: [f.id] });
    const url = new URL((link.body.downloads as { url: string }[])[0]!.url);
    const get = () => t.app.inject({ method: 'GET', url: url.pathname + url.search });
    assert.equal((await get()).statusCode, 200);
    await mine.job(2, [f.id as string]);
    const gone = await get();
    assert.equal(gone.statusCode, 400);
    assert.equal(gone.json().code, 13000309);
    await mine.job(4, [f.id as string]);
    assert.equal((await get()).statusCode, 200);
    await mine.job(2, [f.id as string], { actionType: 202 });
    assert.equal((await get()).json().code, 13000309);
  });

  test('a body shorter than its Content-Length leaves nothing behind', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as net.AddressInfo;
    const headers = authHeaders(owner);
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /koodrive/ose/v1/files/upload?fileName=short.bin&containerId=${owner.containerId} HTTP/1.1\r\n` +
            `Host: localhost\r\nAuthorization: ${headers.authorization}\r\nX-User-Id: ${headers['x-user-id']}\r\n` +
            `X-Date: ${headers['x-date']}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n`,
        );
        socket.write(Buffer.alloc(1000, 1));
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 200));
    const names = ((await mine.list(0, { pageInfo: { pageSize: 100 } })).body.files as { fileName: string }[]).map((f) => f.fileName);
    assert.ok(!names.includes('short.bin'), 'not visible');
    const fs = await import('node:fs');
    const path = await import('node:path');
    assert.equal(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')).length, 0, 'no temporary file left');
  });
});
