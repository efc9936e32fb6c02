import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createBlobStore, type BlobStore } from '../src/storage/blob-store.js';
import type { Finding, IntegrityReport } from '../src/domain/integrity/index.js';
import { startTestApp, client, type Api, type TestApp, type TestUser } from './helpers/app.js';
import { familyClient, photo } from './helpers/family.js';
import { assertConsistent, checkLibrary } from './helpers/integrity.js';
import { ROOT } from './helpers/process.js';
import { rawSql, type RawSql } from './helpers/raw-sql.js';

const V1 = '/koodrive/ose/v1';
type Up = { id: string; sha256: string; ownerId: string };

/** A finding of this check about this ID (as its subject, or among the IDs it names). */
const findingOf = (r: IntegrityReport | Finding[], check: string, id: string): Finding | undefined =>
  (Array.isArray(r) ? r : r.findings).find((f) => f.check === check && (f.id === id || (f.related ?? []).includes(id)));

describe('bin/albumd check', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  let db: RawSql;
  let blobs: BlobStore;
  const lib = {} as {
    trips: string;
    sub: string;
    root: string;
    a: Up;
    b: Up;
    c: Up;
    note: Up;
    gone: Up;
    manual: string;
    collection: string;
    groupId: string;
    uploadId: string;
  };
  /** ALBUMD_DATABASE_URL naming the test app's database, for a child process. */
  const databaseUrl = () => (t.config.database.dialect === 'postgres' ? t.config.database.url : `sqlite:${t.config.database.file}`);
  const sql = (text: string, ...params: unknown[]) => db.run(text, ...params);
  const one = async <T>(text: string, ...params: unknown[]): Promise<T> => {
    const found = await db.get<T>(text, ...params);
    assert.ok(found !== undefined, `no row: ${text}`);
    return found;
  };
  const counts = async () => ({ files: (await one<{ n: number }>('select count(*) n from files')).n, stored: fs.readdirSync(path.join(t.dataDir, 'blobs')).length, blobs: [...storedShas()] });
  const storedShas = function* (): Generator<string> {
    const root = path.join(t.dataDir, 'blobs');
    for (const a of fs.readdirSync(root).filter((n) => /^[0-9a-f]{2}$/.test(n))) {
      for (const b of fs.readdirSync(path.join(root, a))) yield* fs.readdirSync(path.join(root, a, b));
    }
  };

  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    api = client(t, u);
    db = await rawSql(t.config.database);
    blobs = createBlobStore(t.dataDir);
    const up = async (name: string, body: Buffer | string, parent = 'root'): Promise<Up> => {
      const r = await api.upload(name, body, parent);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as unknown as Up;
    };
    lib.root = (await one<{ root_folder_id: string }>('select root_folder_id from containers where id = ?', u.containerId)).root_folder_id;
    lib.trips = await api.folder('Trips');
    lib.sub = await api.folder('Sub', lib.trips);
    lib.a = await up('a.jpg', photo('check', 1), lib.trips);
    lib.b = await up('b.jpg', photo('check', 2), lib.trips);
    lib.c = await up('c.jpg', photo('check', 3), lib.sub);
    await up('a again.jpg', photo('check', 1));
    lib.note = await up('note.txt', 'a note');
    lib.gone = await up('gone.txt', 'deleted for good');
    lib.manual = String((await api.createAlbum({ name: 'M', type: 2, albumKind: 1 })).body.albumId);
    const add = await api.call('POST', `${V1}/album/${lib.manual}/add`, { fileIds: [lib.a, lib.b, lib.c].map((f) => ({ fileId: f.id, ownerId: f.ownerId })) });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    const created = await api.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [lib.trips], scopeKind: '1' });
    lib.collection = String(created.body.albumId);
    assert.equal((await api.job(2, [lib.b.id])).status, 200);
    assert.equal((await api.job(2, [lib.gone.id], { actionType: 202 })).status, 200);

    const fam = familyClient(t, u);
    const family = await fam.createFamily('Home');
    lib.groupId = family.groupId;
    const shared = await api.createAlbum({ type: 2, albumKind: 2, name: 'Shared', groupId: family.groupId, shareFolderId: family.id });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));

    // An upload under way: its row and one part on disk.
    const bytes = Buffer.from('ten bytes!');
    const c = await api.call('POST', `${V1}/files/create`, { containerId: u.containerId, parentFolder: ['root'], fileName: 'later.bin', length: bytes.length });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    lib.uploadId = String(c.body.uploadId);
    const url = new URL((c.body.multiParts as { uploadUrl: string }[])[0]!.uploadUrl);
    const put = await t.app.inject({ method: 'PUT', url: url.pathname + url.search, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(put.statusCode, 200);
  });
  after(async () => {
    await db?.close();
    await t?.close();
  });

  test('a library built through the API is consistent, hashes included', async () => {
    const report = await assertConsistent(t, undefined, { verifyHashes: true });
    assert.ok(report.ok);
    assert.deepEqual(report.findings, []);
    assert.ok(report.totals.files >= 9 && report.totals.albums === 3 && report.totals.albumItems === 3);
    assert.equal(report.totals.hashed, 4, 'every content a file uses was read and hashed');
    assert.equal(report.totals.blobFiles, 5, 'the deleted file’s content waits for the sweep');
  });

  // Each derived value set wrong in the database: found with its ID, and --repair sets it back.
  const derived: { name: string; corrupt: () => Promise<void>; check: string; id: () => string }[] = [
    { name: 'a blob reference count', corrupt: () => sql('update blobs set ref_count = ref_count + 3 where sha256 = ?', lib.a.sha256), check: 'blob-ref-count', id: () => lib.a.sha256 },
    { name: 'the count a double release leaves', corrupt: () => sql('update blobs set ref_count = 0, unreferenced_since = 1 where sha256 = ?', lib.note.sha256), check: 'blob-ref-count', id: () => lib.note.sha256 },
    { name: 'a blob size', corrupt: () => sql('update blobs set size = size + 1 where sha256 = ?', lib.c.sha256), check: 'blob-size', id: () => lib.c.sha256 },
    { name: 'a lost blob row', corrupt: () => sql('delete from blobs where sha256 = ?', lib.c.sha256), check: 'blob-row-missing', id: () => lib.c.sha256 },
    { name: 'an unreferenced mark', corrupt: () => sql('update blobs set unreferenced_since = null where sha256 = ?', lib.gone.sha256), check: 'blob-unreferenced-mark', id: () => lib.gone.sha256 },
    { name: 'used bytes', corrupt: () => sql('update containers set used_bytes = used_bytes - 5 where id = ?', u.containerId), check: 'space-used-bytes', id: () => u.containerId },
    { name: 'a manual item count', corrupt: () => sql('update albums set item_count = item_count + 1 where id = ?', lib.manual), check: 'album-counts', id: () => lib.manual },
    { name: 'a member count', corrupt: () => sql('update albums set member_count = 0 where id = ?', lib.manual), check: 'album-counts', id: () => lib.manual },
    { name: 'a collection item count', corrupt: () => sql('update albums set item_count = 7 where id = ?', lib.collection), check: 'collection-count', id: () => lib.collection },
    { name: 'a cover', corrupt: () => sql('update albums set cover_file_id = ? where id = ?', lib.note.id, lib.manual), check: 'album-cover', id: () => lib.manual },
    { name: 'a cover of a recycled image', corrupt: () => sql('update albums set cover_file_id = ? where id = ?', lib.b.id, lib.manual), check: 'album-cover', id: () => lib.manual },
    { name: 'album_items.visible', corrupt: () => sql('update album_items set visible = 1 where file_id = ?', lib.b.id), check: 'album-item-visible', id: () => lib.b.id },
    { name: 'album_items.take_time', corrupt: () => sql('update album_items set take_time = 1 where file_id = ?', lib.c.id), check: 'album-item-columns', id: () => lib.c.id },
    {
      name: 'a membership row of a file gone',
      corrupt: () => sql("insert into album_items (album_id, file_id, add_time, take_time, edited_time, file_type, visible) values (?, 'Fvanished', 1, 1, 1, '15', 1)", lib.manual),
      check: 'album-item-vanished',
      id: () => 'Fvanished',
    },
    { name: "a user's album count", corrupt: () => sql('update users set album_count = 9 where id = ?', u.userId), check: 'owner-album-count', id: () => u.userId },
    { name: "a family's album count", corrupt: () => sql('update families set album_count = 0 where group_id = ?', lib.groupId), check: 'owner-album-count', id: () => lib.groupId },
  ];
  for (const c of derived) {
    test(`${c.name}: found with its ID; --repair sets it from the rows`, async () => {
      await c.corrupt();
      const found = await checkLibrary(t);
      assert.equal(found.ok, false);
      const finding = findingOf(found, c.check, c.id());
      assert.ok(finding, `${c.check} about ${c.id()} in:\n${JSON.stringify(found.findings, null, 1)}`);
      assert.equal(finding.severity, 'error');
      assert.equal(finding.repairable, true);
      const before = await counts();
      const repaired = await checkLibrary(t, undefined, { repair: true });
      assert.ok(repaired.ok, JSON.stringify(repaired.remaining));
      assert.ok(Object.values(repaired.repaired!).some((n) => n > 0));
      assert.deepEqual(await counts(), before, 'no file row and no stored content went');
      await assertConsistent(t, undefined, { verifyHashes: true });
    });
  }

  test('everything derived at once, in one repair', async () => {
    for (const c of derived.filter((d) => d.check !== 'blob-row-missing')) await c.corrupt();
    const found = await checkLibrary(t);
    for (const c of derived.filter((d) => d.check !== 'blob-row-missing')) assert.ok(findingOf(found, c.check, c.id()), `${c.name} found`);
    const before = await counts();
    const repaired = await checkLibrary(t, undefined, { repair: true });
    assert.ok(repaired.ok, JSON.stringify(repaired.remaining));
    assert.deepEqual(repaired.remaining, []);
    assert.deepEqual(await counts(), before);
    await assertConsistent(t);
    // Through the API too: the album list shows the counts again.
    const list = await api.listAlbums('albumKind=1&albumType=2&pageSize=100');
    assert.equal((list.body.albumList as { id: string; itemCount: number }[]).find((x) => x.id === lib.manual)?.itemCount, 2);
  });

  // What no row can give back: found, left by --repair (which deletes nothing), then undone here.
  const blobPath = (sha256: string) => blobs.localPath(sha256);
  const partPath = async () => (await one<{ path: string }>('select path from upload_parts where upload_id = ?', lib.uploadId)).path;
  const underived: { name: string; corrupt: () => Promise<void> | void; undo: () => Promise<void> | void; check: string; id: () => string; verifyHashes?: boolean }[] = [
    {
      name: 'a parent cycle',
      corrupt: () => sql('update files set parent_id = ? where id = ?', lib.sub, lib.trips),
      undo: () => sql('update files set parent_id = ? where id = ?', lib.root, lib.trips),
      check: 'tree-cycle',
      id: () => lib.trips,
    },
    {
      name: 'an orphan',
      corrupt: () => sql("update files set parent_id = 'Fnowhere' where id = ?", lib.note.id),
      undo: () => sql('update files set parent_id = ? where id = ?', lib.root, lib.note.id),
      check: 'tree-orphan',
      id: () => lib.note.id,
    },
    {
      name: 'a recycled orphan',
      corrupt: () => sql("update files set parent_id = 'Fnowhere' where id = ?", lib.b.id),
      undo: () => sql('update files set parent_id = ? where id = ?', lib.trips, lib.b.id),
      check: 'tree-orphan',
      id: () => lib.b.id,
    },
    {
      name: 'a visible file in a recycled folder',
      corrupt: () => sql('update files set recycled = 1, recycled_at = 1, recycled_with = id where id = ?', lib.sub),
      undo: () => sql('update files set recycled = 0, recycled_at = null, recycled_with = null where id = ?', lib.sub),
      check: 'tree-visible-under-recycled',
      id: () => lib.c.id,
    },
    {
      name: 'a missing blob file',
      corrupt: () => fs.renameSync(blobPath(lib.a.sha256), `${blobPath(lib.a.sha256)}.away`),
      undo: () => fs.renameSync(`${blobPath(lib.a.sha256)}.away`, blobPath(lib.a.sha256)),
      check: 'blob-file-missing',
      id: () => lib.a.sha256,
    },
    {
      name: 'a blob of the wrong size',
      corrupt: () => fs.appendFileSync(blobPath(lib.note.sha256), '!'),
      undo: () => fs.truncateSync(blobPath(lib.note.sha256), Buffer.byteLength('a note')),
      check: 'blob-file-size',
      id: () => lib.note.sha256,
    },
    {
      name: 'a blob with wrong bytes (--verify-hashes)',
      corrupt: () => fs.writeFileSync(blobPath(lib.note.sha256), 'A note'),
      undo: () => fs.writeFileSync(blobPath(lib.note.sha256), 'a note'),
      check: 'blob-hash',
      id: () => lib.note.sha256,
      verifyHashes: true,
    },
    {
      name: 'an upload part row without its upload',
      corrupt: () => sql("insert into upload_parts (upload_id, part_number, size, sha256, path) values ('Unowhere', 1, 1, 'x', '/nowhere')"),
      undo: () => sql("delete from upload_parts where upload_id = 'Unowhere'"),
      check: 'upload-part-orphan-row',
      id: () => 'Unowhere',
    },
    {
      name: 'an upload part whose bytes are gone',
      corrupt: async () => {
        const part = await partPath();
        fs.renameSync(part, `${part}.away`);
      },
      undo: async () => {
        const part = await partPath();
        fs.renameSync(`${part}.away`, part);
      },
      check: 'upload-part-file-missing',
      id: () => lib.uploadId,
    },
  ];
  for (const c of underived) {
    test(`${c.name}: found with its ID; --repair leaves it and deletes nothing`, async () => {
      await c.corrupt();
      try {
        const found = await checkLibrary(t, undefined, { verifyHashes: c.verifyHashes ?? false });
        const finding = findingOf(found, c.check, c.id());
        assert.ok(finding, `${c.check} about ${c.id()} in:\n${JSON.stringify(found.findings, null, 1)}`);
        assert.equal(finding.repairable, false);
        assert.equal(found.ok, false);
        const before = await counts();
        const repaired = await checkLibrary(t, undefined, { repair: true, verifyHashes: c.verifyHashes ?? false });
        assert.ok(findingOf(repaired.remaining!, c.check, c.id()), 'still there after the repair');
        assert.equal(repaired.ok, false);
        assert.deepEqual(await counts(), before, 'no file row and no stored content went');
      } finally {
        await c.undo();
      }
      await assertConsistent(t, undefined, { verifyHashes: true });
    });
  }

  test('wrong bytes of the right size pass without --verify-hashes', async () => {
    fs.writeFileSync(blobPath(lib.note.sha256), 'A note');
    try {
      assert.ok((await checkLibrary(t)).ok);
    } finally {
      fs.writeFileSync(blobPath(lib.note.sha256), 'a note');
    }
  });

  test('stored content and upload parts no row knows of: orphans once older than the grace', async () => {
    const orphan = await blobs.receive(Readable.from([Buffer.from('never committed')]), 1 << 20);
    await blobs.commit(orphan);
    const ghost = await blobs.receive(Readable.from([Buffer.from('part')]), 1 << 20, 'Ughost');
    try {
      assert.ok((await checkLibrary(t)).ok, 'young: may be a commit under way');
      const past = new Date(Date.now() - 2 * 3600_000);
      fs.utimesSync(blobPath(orphan.sha256), past, past);
      fs.utimesSync(path.dirname(ghost.path), past, past);
      const found = await checkLibrary(t);
      assert.ok(findingOf(found, 'blob-file-orphan', orphan.sha256), JSON.stringify(found.findings));
      assert.ok(findingOf(found, 'upload-parts-orphan-dir', 'Ughost'), JSON.stringify(found.findings));
      assert.ok((await checkLibrary(t, undefined, { graceMs: 3 * 3600_000 })).ok, 'a longer grace');
      await checkLibrary(t, undefined, { repair: true });
      assert.ok(fs.existsSync(blobPath(orphan.sha256)), 'the repair leaves stored content to the sweep');
    } finally {
      await blobs.remove(orphan.sha256);
      await blobs.discardUpload('Ughost');
    }
  });

  test('an upload past its expiry is a warning, not an error', async () => {
    await sql('update uploads set expires_at = 1 where id = ?', lib.uploadId);
    try {
      const found = await checkLibrary(t);
      assert.equal(findingOf(found, 'upload-expired', lib.uploadId)?.severity, 'warning');
      assert.ok(found.ok);
    } finally {
      await sql('update uploads set expires_at = ? where id = ?', Date.now() + 3600_000, lib.uploadId);
    }
  });

  test('as a process: exit 0 when consistent, 1 with a line per finding, --json, --repair', async () => {
    const env = { ALBUMD_DATA_DIR: t.dataDir, ALBUMD_DATABASE_URL: databaseUrl(), LOG_LEVEL: 'silent' };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(path.join(ROOT, 'bin/albumd'), ['check', ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
        );
      });
    const clean = await run([]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^checked \d+ files, .*: 0 errors, 0 warnings$/m);

    await sql('update albums set item_count = 42 where id = ?', lib.manual);
    await sql("update files set parent_id = 'Fnowhere' where id = ?", lib.note.id);
    try {
      const bad = await run(['--verify-hashes']);
      assert.equal(bad.code, 1);
      const lines = bad.stdout.trim().split('\n');
      assert.ok(lines.some((l) => l.startsWith('error') && l.includes('album-counts') && l.includes(`album ${lib.manual}`) && l.includes('(repairable)')), bad.stdout);
      assert.ok(lines.some((l) => l.includes('tree-orphan') && l.includes(`file ${lib.note.id}`)), bad.stdout);
      assert.match(lines.at(-1)!, /: 2 errors, 0 warnings$/);

      const json = await run(['--json']);
      assert.equal(json.code, 1);
      const report = JSON.parse(json.stdout) as IntegrityReport;
      assert.equal(report.ok, false);
      assert.ok(findingOf(report, 'album-counts', lib.manual));

      const repaired = await run(['--repair']);
      assert.equal(repaired.code, 1, 'the orphan is no derived value: it stays');
      assert.match(repaired.stdout, /^repaired: album-counts 1$/m);
      assert.match(repaired.stdout, /^left +error +tree-orphan/m);
    } finally {
      await sql('update files set parent_id = ? where id = ?', lib.root, lib.note.id);
    }
    // --repair checks again after repairing: 0 means the library is consistent now.
    assert.equal((await run(['--repair'])).code, 0);
    const usage = await run(['extra']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage:/);
    assert.equal(createHash('sha256').update(fs.readFileSync(blobPath(lib.note.sha256))).digest('hex'), lib.note.sha256);
  });
});
