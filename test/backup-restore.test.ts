import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { backup, NOT_ON_POSTGRES, OpsError } from '../src/ops/backup.js';
import { restore } from '../src/ops/restore.js';
import { openStore } from '../src/db/database.js';
import { DataDirBusy } from '../src/data-dir-lock.js';
import { createBlobStore } from '../src/storage/blob-store.js';
import { startTestApp, tempDir, type TestApp, type TestUser } from './helpers/app.js';
import { photo, familyClient, type Family, type FamilyApi } from './helpers/family.js';
import { testDialect } from './helpers/test-database.js';
import { ROOT, runCli } from './helpers/process.js';
import { spawn } from 'node:child_process';

/**
 * `albumd backup` of a running server while a writer keeps uploading, `albumd restore` into a new
 * data directory, and a second server on it: every listing and every file's bytes are the
 * original's as of the snapshot, links signed before the backup still work, the checker is clean.
 */

const V1 = '/koodrive/ose/v1';
const onSqlite = testDialect() === 'sqlite';

describe('backup and restore', { skip: onSqlite ? false : 'the PostgreSQL refusal is tested below' }, () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let a: FamilyApi;
  let b: FamilyApi;
  let family: Family;
  let n = 0;
  const folders: Record<string, string> = {};

  before(async () => {
    t = await startTestApp();
    await t.startupSweep;
    alice = await t.newUser('Alice');
    bob = await t.newUser('Bob');
    a = familyClient(t, alice);
    b = familyClient(t, bob);
    folders.trip = await a.folder('Trip');
    folders.work = await a.folder('Work');
    folders.live = await a.folder('Live');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(String((await a.upload(`trip${i}.jpg`, photo('trip', (n += 1)), folders.trip)).body.id));
    await a.upload('notes.txt', 'not a photo', folders.work);
    const manual = String((await a.createAlbum({ type: 2, albumKind: 1, name: 'Best' })).body.albumId);
    assert.equal((await a.addToAlbum(manual, ids.slice(0, 3).map((fileId) => ({ fileId, ownerId: alice.userId })))).status, 200);
    await a.createAlbum({ type: 1, albumKind: 1, name: 'Trip', scopeParentFolderId: 'root', scopeDir: [folders.trip], scopeKind: '1' });
    family = await a.createFamily('Home');
    await b.join(a, family);
    const shared = String((await b.fupload(family, 'bob.jpg', photo('bob', 1))).body.id);
    const album = String((await a.sharedAlbum(family, { type: 2, name: 'Ours' })).body.albumId);
    assert.equal((await b.addToAlbum(album, [{ fileId: shared, ownerId: bob.userId }])).status, 200);
  });
  after(() => t?.close());

  /** What a client can see of the library, in the API's words (no times that a read would change). */
  async function view(app: TestApp): Promise<unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, user] of [['alice', alice], ['bob', bob]] as const) {
      const api = familyClient(app, user);
      const list = async (body: Record<string, unknown>, shareFolder?: Family) => {
        const r = shareFolder ? await api.flist(shareFolder, body) : await api.list(0, body);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return (r.body.files as { id: string; fileName: string; size: number; sha256?: string }[]).map((f) => [f.id, f.fileName, f.size, f.sha256]);
      };
      out[`${name} root`] = await list({ parentFileId: 'root', pageInfo: { pageSize: 100 } });
      for (const [key, id] of Object.entries(folders)) if (name === 'alice' && key !== 'live') out[`alice ${key}`] = await list({ parentFileId: id, pageInfo: { pageSize: 100 } });
      out[`${name} family`] = await list({ parentFileId: 'root', pageInfo: { pageSize: 100 } }, family);
      for (const kind of [1, 2]) {
        for (const type of [1, 2]) {
          const r = await api.listAlbums(`albumKind=${kind}&albumType=${type}&pageSize=100${kind === 2 ? `&groupId=${family.groupId}` : ''}`);
          const albums = (r.body.albumList as { id: string; name: string; itemCount: number }[]) ?? [];
          out[`${name} albums ${kind}/${type}`] = albums.map((x) => [x.id, x.name, x.itemCount]);
          for (const album of albums) {
            const c = await api.albumList(album.id, '?pageSize=100');
            out[`${name} album ${album.id}`] = (c.body.contentList as { id: string }[]).map((x) => x.id);
          }
        }
      }
      out[`${name} families`] = ((await api.families()).body.folders as { id: string; name: string }[]).map((f) => [f.id, f.name]);
    }
    return out;
  }

  const liveFiles = async (app: TestApp): Promise<Map<string, string>> => {
    const r = await familyClient(app, alice).list(0, { parentFileId: folders.live, pageInfo: { pageSize: 100 } });
    return new Map((r.body.files as { id: string; sha256: string }[]).map((f) => [f.id, f.sha256]));
  };
  const bytesOf = async (app: TestApp, user: TestUser, fileId: string, shareFolder?: Family): Promise<Buffer> => {
    const api = familyClient(app, user);
    const link = shareFolder ? await api.fdownload(shareFolder, [fileId]) : await api.call('POST', `${V1}/files/download`, { containerId: user.containerId, fileIds: [fileId] });
    const url = new URL((link.body.downloads as { url: string }[])[0]!.url);
    const got = await app.app.inject({ method: 'GET', url: url.pathname + url.search });
    assert.equal(got.statusCode, 200, `${fileId}: ${got.payload.slice(0, 200)}`);
    return got.rawPayload;
  };

  test('a backup taken while uploads go on restores into a second server that shows the snapshot', async () => {
    // A writer uploads into Live the whole time.
    let writing = true;
    const done: string[] = [];
    const writer = (async () => {
      while (writing) {
        const r = await a.upload(`live${(n += 1)}.jpg`, photo('live', n), folders.live);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        done.push(String(r.body.id));
      }
    })();
    while (done.length < 3) await new Promise((r) => setTimeout(r, 5));
    const before = [...done];
    const dir = path.join(tempDir('albumd-backup-'), 'backup');
    const first = await backup(t.config, dir);
    const afterBackup = [...done];
    while (done.length < afterBackup.length + 3) await new Promise((r) => setTimeout(r, 5));
    writing = false;
    await writer;

    assert.ok(first.contents.count >= 10, `contents copied: ${JSON.stringify(first.contents)}`);
    assert.equal(first.contents.present, 0);
    assert.equal(first.contents.linked + first.contents.copied, first.contents.count);
    assert.equal(first.secret, 'included');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { counts: { users: number }; schemaVersion: string };
    assert.equal(manifest.counts.users, 2);
    assert.match(manifest.schemaVersion, /^\d{4}-/);

    const target = path.join(tempDir('albumd-restored-'), 'data');
    const restored = await restore(loadConfig({ ALBUMD_DATA_DIR: target }), dir);
    assert.ok(restored.check.ok, JSON.stringify(restored.check.findings));
    assert.equal(restored.contents.missing, 0);

    let inSnapshot: number;
    const t2 = await startTestApp({}, {}, { dataDir: target, keepDataDir: true });
    try {
      const seen = (await view(t)) as Record<string, unknown[]>;
      // The view is worth comparing: it holds the albums of both kinds and the family's file.
      for (const key of ['alice albums 1/1', 'alice albums 1/2', 'alice albums 2/2', 'bob albums 2/2', 'bob family', 'alice trip']) assert.ok(seen[key]!.length > 0, key);
      assert.deepEqual(await view(t2), seen);
      // Live: every upload acknowledged before the backup began is there, none after it ended, and
      // each file there is the original's, byte for byte.
      const live = await liveFiles(t2);
      inSnapshot = live.size;
      for (const id of before) assert.ok(live.has(id), `${id} was uploaded before the backup`);
      for (const id of done.slice(afterBackup.length)) assert.ok(!live.has(id), `${id} was uploaded after the backup`);
      const original = await liveFiles(t);
      for (const [id, sha] of live) assert.equal(original.get(id), sha);
      for (const id of live.keys()) assert.deepEqual(await bytesOf(t2, alice, id), await bytesOf(t, alice, id));
      const bobsFile = ((await b.flist(family, { parentFileId: 'root', pageInfo: { pageSize: 100 } })).body.files as { id: string }[])[0]!.id;
      assert.deepEqual(await bytesOf(t2, bob, bobsFile, family), await bytesOf(t, bob, bobsFile, family));
      // Links and sessions made before the backup hold: the secret came along.
      const link = await a.call('POST', `${V1}/files/download`, { containerId: alice.containerId, fileIds: [before[0]!] });
      const url = new URL((link.body.downloads as { url: string }[])[0]!.url);
      assert.equal((await t2.app.inject({ method: 'GET', url: url.pathname + url.search })).statusCode, 200);
    } finally {
      await t2.close();
    }

    // A second backup into the same directory copies only what it lacks: the later uploads.
    const second = await backup(t.config, dir);
    assert.equal(second.contents.present, first.contents.count, JSON.stringify(second.contents));
    assert.equal(second.contents.count - first.contents.count, done.length - inSnapshot, JSON.stringify(second.contents));
    assert.equal(second.contents.linked + second.contents.copied, done.length - inSnapshot);
  });

  test('bin/albumd backup and restore: one JSON line each; a second backup copies nothing new', async () => {
    const dir = path.join(tempDir('albumd-backup-'), 'cli');
    const env = { ALBUMD_DATA_DIR: t.dataDir, LOG_LEVEL: 'silent' };
    const made = await runCli(['backup', dir, '--json'], env);
    assert.equal(made.ok, true);
    const again = await runCli(['backup', dir, '--json'], env);
    assert.deepEqual(again.contents, { ...(made.contents as object), present: (made.contents as { count: number }).count, linked: 0, copied: 0, copiedBytes: 0 });
    const target = path.join(tempDir('albumd-restored-'), 'data');
    const restored = await runCli(['restore', dir, '--json'], { ALBUMD_DATA_DIR: target, LOG_LEVEL: 'silent' });
    assert.equal(restored.ok, true);
    assert.equal((restored.check as { ok: boolean }).ok, true);
  });

  test('restore refuses a data directory that is not empty, and a damaged backup', async () => {
    const dir = path.join(tempDir('albumd-backup-'), 'b');
    await backup(t.config, dir);
    await assert.rejects(restore(loadConfig({ ALBUMD_DATA_DIR: t.dataDir }), dir), (e: unknown) => e instanceof OpsError && /not empty/.test(e.message));
    fs.appendFileSync(path.join(dir, 'albumd.sqlite'), 'x');
    const target = path.join(tempDir('albumd-restored-'), 'data');
    await assert.rejects(restore(loadConfig({ ALBUMD_DATA_DIR: target }), dir), (e: unknown) => e instanceof OpsError && /does not match the manifest/.test(e.message));
    assert.ok(!fs.existsSync(path.join(target, 'albumd.sqlite')), 'nothing restored from a damaged backup');
    await assert.rejects(restore(loadConfig({ ALBUMD_DATA_DIR: target }), tempDir()), (e: unknown) => e instanceof OpsError && /manifest/.test(e.message));
  });

  test('while another process sets a data directory up, a server, a command and a restore there refuse', async () => {
    const target = path.join(tempDir('albumd-restored-'), 'data');
    fs.mkdirSync(target, { recursive: true });
    const lock = path.join(target, '.setup.lock');
    const done = path.join(target, 'done');
    // Another process (a restore, a server migrating) holds the lock until told to stop.
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      const fs = await import('node:fs');
      const { takeLockFile } = await import(${JSON.stringify(path.join(ROOT, 'src/lock-file.ts'))});
      const lock = takeLockFile(${JSON.stringify(lock)});
      process.stdout.write('holder' in lock ? 'refused' : 'took');
      while (!fs.existsSync(${JSON.stringify(done)})) await new Promise((r) => setTimeout(r, 20));
      lock.release();
    `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const said = await new Promise<string>((resolve) => holder.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    assert.equal(said, 'took');
    const config = loadConfig({ ALBUMD_DATA_DIR: target });
    const dir = path.join(tempDir('albumd-backup-'), 'held');
    await backup(t.config, dir);
    try {
      await assert.rejects(openStore(config, 200), (e: unknown) => e instanceof DataDirBusy && e.message.includes(String(holder.pid)) && e.message.includes(lock));
      await assert.rejects(restore(config, dir), (e: unknown) => e instanceof OpsError && /being set up by another albumd process/.test(e.message));
    } finally {
      fs.writeFileSync(done, '');
      await new Promise((r) => holder.once('exit', r));
    }
    fs.rmSync(done);
    const store = await openStore(config, 0);
    await store.close();
    assert.ok(!fs.existsSync(lock), 'released after the start');
  });

  test('a restore that was killed leaves the directory refused to servers; running it again finishes it', async () => {
    const dir = path.join(tempDir('albumd-backup-'), 'again');
    await backup(t.config, dir);
    const target = path.join(tempDir('albumd-restored-'), 'data');
    const config = loadConfig({ ALBUMD_DATA_DIR: target });
    await assert.rejects(
      restore(config, dir, (n) => {
        if (n >= 2) throw new Error('the machine stopped');
      }),
      /the machine stopped/,
    );
    assert.ok(fs.existsSync(path.join(target, 'albumd.sqlite')), 'the database was placed first');
    await assert.rejects(openStore(config, 0), (e: unknown) => e instanceof DataDirBusy && /unfinished restore/.test(e.message) && e.message.includes(dir));
    const cli = await runCli(['check'], { ALBUMD_DATA_DIR: target, LOG_LEVEL: 'silent' }).then(
      () => 'ran',
      (e: unknown) => String(e),
    );
    assert.match(cli, /unfinished restore/, 'a command refuses too');
    const finished = await restore(config, dir);
    assert.equal(finished.check.ok, true, JSON.stringify(finished.check));
    assert.ok(!fs.existsSync(path.join(target, '.restoring')), 'the marker goes with the verdict');
    const store = await openStore(config, 0);
    await store.close();
  });

  test('an upload under way at the backup is left out: the restore is consistent, and no WAL files lie beside the copy', async () => {
    const bytes = photo('halfway', 1);
    const c = await a.call('POST', `${V1}/files/create`, { containerId: alice.containerId, parentFolder: ['root'], fileName: 'halfway.jpg', length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const part = new URL((c.body.multiParts as { uploadUrl: string }[])[0]!.uploadUrl);
    const put = await t.app.inject({ method: 'PUT', url: part.pathname + part.search, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(put.statusCode, 200, put.body);
    const dir = path.join(tempDir('albumd-backup-'), 'midway');
    await backup(t.config, dir);
    await backup(t.config, dir);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => /-(wal|shm)$|\.partial/.test(n)), [], 'nothing but the copy, the manifest and the content');
    const target = path.join(tempDir('albumd-restored-'), 'data');
    const restored = await restore(loadConfig({ ALBUMD_DATA_DIR: target }), dir);
    assert.equal(restored.check.ok, true, JSON.stringify(restored.check.findings));
    // The source still has its upload, and it can be finished there.
    const done = await a.call('POST', `${V1}/files/complete`, { fileId: c.body.fileId, uploadId: c.body.uploadId, containerId: alice.containerId });
    assert.equal(done.status, 200, JSON.stringify(done.body));
  });

  test('backup refuses the server’s own directories, and a second backup into a directory one is writing', async () => {
    await assert.rejects(backup(t.config, path.join(t.dataDir, 'backups')), (e: unknown) => e instanceof OpsError && /where the server keeps its data/.test(e.message));
    await assert.rejects(backup(t.config, t.dataDir), (e: unknown) => e instanceof OpsError && /where the server keeps its data/.test(e.message));
    const dir = path.join(tempDir('albumd-backup-'), 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '.backup.lock'), `${process.pid}\n`);
    await assert.rejects(backup(t.config, dir), (e: unknown) => e instanceof OpsError && /another backup/.test(e.message));
    // A lock left by a process that is gone is taken over.
    fs.writeFileSync(path.join(dir, '.backup.lock'), '999999999\n');
    await backup(t.config, dir);
    assert.ok(!fs.existsSync(path.join(dir, '.backup.lock')), 'the lock goes with the backup');
    assert.equal(fs.statSync(path.join(dir, 'albumd.sqlite')).mode & 0o777, 0o600, 'the copy is its owner\'s only');
  });

  test('while a backup pins the store, the sweep removes no bytes; afterwards it does', async () => {
    const blobs = createBlobStore(t.dataDir);
    const r = await a.upload('gone.jpg', photo('gone', 1), folders.work);
    const sha = String(r.body.sha256);
    assert.equal((await a.job(2, [String(r.body.id)], { actionType: 202 })).status, 200);
    const pin = await blobs.pin('test');
    try {
      assert.ok(await blobs.pinned());
      await t.domain.sweeper.sweep(0);
      assert.ok(fs.existsSync(blobs.localPath(sha)), 'pinned: the bytes stay');
    } finally {
      await pin.release();
    }
    assert.equal(await blobs.pinned(), false);
    await t.domain.sweeper.sweep(0);
    assert.ok(!fs.existsSync(blobs.localPath(sha)), 'unpinned: the next sweep takes them');
  });
});

test('on PostgreSQL backup and restore refuse, naming what to use instead', { skip: onSqlite ? 'SQLite is tested above' : false }, async () => {
  const t = await startTestApp();
  try {
    await assert.rejects(backup(t.config, tempDir()), (e: unknown) => e instanceof OpsError && e.message === NOT_ON_POSTGRES && /pg_dump/.test(e.message));
    await assert.rejects(restore(t.config, tempDir()), (e: unknown) => e instanceof OpsError && e.message === NOT_ON_POSTGRES);
  } finally {
    await t.close();
  }
});
