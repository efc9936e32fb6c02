import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { client, startTestApp, tempDir, type Api, type TestApp, type TestUser } from './helpers/app.js';
import { familyClient } from './helpers/family.js';
import { freePort, ROOT } from './helpers/process.js';
import { rawSql } from './helpers/raw-sql.js';
import { runImport, type ImportOptions } from '../src/import/run.js';
import { jsonReporter, type ImportEvent } from '../src/import/progress.js';
import { hashFile, FileProblem } from '../src/import/upload.js';
import { walk } from '../src/import/walk.js';
import { isNameOrCopy, serverNames } from '../src/import/names.js';
import type { Summary } from '../src/import/summary.js';

/**
 * `albumd import` against a real albumd on a real port: a generated library (nested folders, the
 * shared media fixtures, a text file, an empty folder, a symbolic link loop, hidden and system
 * files, a sidecar, a HEIC+MOV Live Photo) imported, checked through the API, imported again
 * (nothing sent), changed, killed midway and resumed, with and without albums, as a dry run, and
 * against a server that goes away.
 */

const PASSWORD = 'correct horse battery';
const FIXTURES = '/work/shared/fixtures';
const V1 = '/koodrive/ose/v1';
const JPEG = fs.readFileSync(path.join(FIXTURES, 'sample.jpg'));

type FileEvent = Extract<ImportEvent, { event: 'file' }>;

interface Run {
  summary: Summary;
  events: ImportEvent[];
  files: FileEvent[];
}

function makeLibrary(root: string): void {
  fs.mkdirSync(path.join(root, '2019/Summer'), { recursive: true });
  fs.mkdirSync(path.join(root, '2019/Winter'), { recursive: true });
  fs.mkdirSync(path.join(root, 'empty'), { recursive: true });
  fs.mkdirSync(path.join(root, '@eaDir'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'sample.jpg'), path.join(root, 'top.jpg'));
  fs.writeFileSync(path.join(root, 'notes.txt'), 'not a photo\n');
  fs.writeFileSync(path.join(root, '.hidden.jpg'), JPEG);
  fs.writeFileSync(path.join(root, '.DS_Store'), 'junk');
  fs.writeFileSync(path.join(root, 'Thumbs.db'), 'junk');
  fs.writeFileSync(path.join(root, '@eaDir/thumb.jpg'), JPEG);
  // A Live Photo: the HEIC and the MOV of one stem, with its sidecars.
  fs.copyFileSync(path.join(FIXTURES, 'sample.heic'), path.join(root, '2019/Summer/IMG_0001.HEIC'));
  fs.copyFileSync(path.join(FIXTURES, 'sample.mov'), path.join(root, '2019/Summer/IMG_0001.MOV'));
  fs.writeFileSync(path.join(root, '2019/Summer/IMG_0001.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
  fs.writeFileSync(path.join(root, '2019/Summer/IMG_0001.AAE'), '<plist/>');
  fs.copyFileSync(path.join(FIXTURES, 'sample.mp4'), path.join(root, '2019/Winter/clip.mp4'));
  // Another photo with its own bytes (the fixture with a tail decoders ignore).
  fs.writeFileSync(path.join(root, '2019/Winter/photo.jpg'), Buffer.concat([JPEG, Buffer.from('winter')]));
  fs.symlinkSync('..', path.join(root, '2019/loop'));
}

describe('albumd import', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  let origin: string;
  let work: string;
  let library: string;
  let stateFile: string;

  before(async () => {
    t = await startTestApp();
    u = await t.newUser('Ann');
    api = client(t, u);
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    work = tempDir('albumd-import-');
    library = path.join(work, 'Library');
    makeLibrary(library);
    stateFile = path.join(work, 'state', 'library.jsonl');
  });
  after(async () => {
    await t?.close();
  });

  /** One import in this process, its events collected (what --json prints). */
  async function importNow(options: Partial<ImportOptions> = {}, onEvent?: (e: ImportEvent) => void, user: TestUser = u): Promise<Run> {
    const events: ImportEvent[] = [];
    const reporter = jsonReporter((line) => {
      const e = JSON.parse(line) as ImportEvent;
      events.push(e);
      onEvent?.(e);
    });
    const summary = await runImport(
      {
        dir: library,
        server: origin,
        credentials: { phone: user.phone, password: PASSWORD },
        albums: 'none',
        concurrency: 4,
        dryRun: false,
        exclude: [],
        stateFile,
        ...options,
      },
      reporter,
    );
    return { summary, events, files: events.filter((e): e is FileEvent => e.event === 'file') };
  }

  async function children(folderId: string, who: Api = api, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let cursor = '';
    for (;;) {
      const r = await who.call('POST', `${V1}/files/0`, { containerId: u.containerId, parentFileId: folderId, pageInfo: { pageSize: 100, ...(cursor ? { pageCursor: cursor } : {}) }, ...extra }, headers);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      out.push(...(r.body.files as Record<string, unknown>[]));
      cursor = r.body.nextPageCursor as string;
      if (!cursor) return out;
    }
  }

  const named = (list: Record<string, unknown>[], name: string) => list.find((f) => f.fileName === name);
  const folderId = async (parent: string, name: string): Promise<string> => {
    const found = named(await children(parent), name);
    assert.ok(found, `no ${name} in ${parent}`);
    assert.equal(found.fileType, '10');
    return found.id as string;
  };
  const albums = async (type: 1 | 2) => {
    const r = await api.listAlbums(`albumKind=1&albumType=${type}&pageSize=100`);
    assert.equal(r.status, 200);
    return r.body.albumList as { id: string; name: string; scopeDir: string[]; scopeParentFolderId?: string; itemCount: number }[];
  };
  const albumContent = async (albumId: string) => {
    const r = await api.call('GET', `${V1}/album/${albumId}/list?pageSize=100`);
    assert.equal(r.status, 200);
    return r.body.contentList as { id: string; fileName: string }[];
  };

  test('the walk: media by extension, the rest reported, junk and sidecars ignored, the loop not followed', async () => {
    const w = await walk(library);
    assert.deepEqual(w.folders.map((f) => f.rel), ['', '2019', '2019/Summer', '2019/Winter', 'empty']);
    assert.deepEqual(w.media.map((f) => f.rel).sort(), ['2019/Summer/IMG_0001.HEIC', '2019/Summer/IMG_0001.MOV', '2019/Winter/clip.mp4', '2019/Winter/photo.jpg', 'top.jpg']);
    assert.deepEqual(w.notMedia.map((f) => f.rel), ['notes.txt']);
    const ignored = Object.fromEntries(w.ignored.map((i) => [i.rel, i.reason]));
    assert.deepEqual(ignored, {
      '.DS_Store': 'system',
      '.hidden.jpg': 'hidden',
      '@eaDir': 'system',
      'Thumbs.db': 'system',
      '2019/Summer/IMG_0001.AAE': 'sidecar',
      '2019/Summer/IMG_0001.xmp': 'sidecar',
    });
    assert.equal(w.problems.length, 1);
    assert.equal(w.problems[0]!.rel, '2019/loop');
    assert.equal(w.problems[0]!.severity, 'warning');
    assert.match(w.problems[0]!.message, /symbolic link loop/);
    // --exclude: a glob without a slash matches names anywhere; a folder takes its subtree along.
    const ex = await walk(library, { exclude: ['*.mp4', '2019/Summer'] });
    assert.deepEqual(ex.media.map((f) => f.rel).sort(), ['2019/Winter/photo.jpg', 'top.jpg']);
    assert.ok(ex.ignored.some((i) => i.rel === '2019/Summer' && i.reason === 'excluded'));
  });

  test('names: albumd-safe and stable, copies recognised', () => {
    const m = serverNames(['a:b.jpg', 'a_b.jpg', 'ok.jpg']);
    assert.equal(m.get('a_b.jpg'), 'a_b.jpg');
    assert.equal(m.get('a:b.jpg'), 'a_b (1).jpg');
    assert.equal(m.get('ok.jpg'), 'ok.jpg');
    assert.ok(isNameOrCopy('IMG (2).jpg', 'IMG.jpg'));
    assert.ok(!isNameOrCopy('IMG2.jpg', 'IMG.jpg'));
  });

  test('a dry run says what it would do and changes nothing', async () => {
    const run = await importNow({ dryRun: true, albums: 'collection' });
    assert.equal(run.summary.dryRun, true);
    assert.equal(run.summary.imported, 5);
    assert.equal(run.summary.folders.created, 5);
    assert.ok(run.files.every((f) => f.action === 'would-upload'));
    assert.ok(run.events.some((e) => e.event === 'album' && e.action === 'would-create'));
    assert.equal((await children('root')).length, 0, 'nothing made in the space');
    assert.equal((await albums(1)).length, 0);
    assert.ok(!fs.existsSync(stateFile), 'no state written');
  });

  test('imports the tree: folders, files, types and takeTimes, collection albums', async () => {
    const run = await importNow({ albums: 'collection' });
    assert.deepEqual(run.summary.failed, []);
    assert.equal(run.summary.imported, 5);
    assert.equal(run.summary.notMedia, 1);
    assert.equal(run.summary.ignored, 6);
    assert.equal(run.summary.warnings, 1, 'the loop');
    assert.equal(run.summary.folders.created, 5);

    const top = await folderId('root', 'Library');
    const inTop = await children(top);
    assert.deepEqual(inTop.map((f) => f.fileName).sort(), ['2019', 'empty', 'top.jpg']);
    const y2019 = await folderId(top, '2019');
    assert.deepEqual((await children(y2019)).map((f) => f.fileName).sort(), ['Summer', 'Winter'], 'no loop folder');
    assert.equal((await children(await folderId(top, 'empty'))).length, 0);
    const summer = await children(await folderId(y2019, 'Summer'));
    const winter = await children(await folderId(y2019, 'Winter'));
    const byName = Object.fromEntries([...inTop, ...summer, ...winter].map((f) => [f.fileName, f]));
    assert.deepEqual(Object.keys(byName).sort(), ['2019', 'IMG_0001.HEIC', 'IMG_0001.MOV', 'clip.mp4', 'empty', 'photo.jpg', 'top.jpg']);
    const expect: Record<string, [string, string]> = {
      'top.jpg': ['15', '2019-07-14T08:45:30.000Z'],
      'photo.jpg': ['15', '2019-07-14T08:45:30.000Z'],
      'IMG_0001.HEIC': ['15', '2019-07-14T08:45:30.000Z'],
      'IMG_0001.MOV': ['20', '2018-12-31T23:59:58.000Z'],
      'clip.mp4': ['20', '2020-02-29T12:34:56.000Z'],
    };
    for (const [name, [fileType, takeTime]] of Object.entries(expect)) {
      assert.equal(byName[name]!.fileType, fileType, name);
      assert.equal(byName[name]!.takeTime, takeTime, name);
    }
    assert.equal(byName['top.jpg']!.sha256, createHash('sha256').update(JPEG).digest('hex'));

    // Albums: "2019" over its subfolders with media; the imported folder's own files in one of their own.
    const list = await albums(1);
    assert.deepEqual(list.map((a) => a.name).sort(), ['2019', 'Library']);
    const a2019 = list.find((a) => a.name === '2019')!;
    assert.equal(a2019.scopeParentFolderId, y2019);
    assert.equal(a2019.itemCount, 4);
    const aTop = list.find((a) => a.name === 'Library')!;
    assert.deepEqual(aTop.scopeDir, [top]);
    assert.deepEqual((await albumContent(aTop.id)).map((c) => c.fileName), ['top.jpg']);
  });

  test('a rerun uploads nothing and makes no second folder or album', async () => {
    const run = await importNow({ albums: 'collection' });
    assert.equal(run.summary.imported, 0);
    assert.equal(run.summary.duplicates, 5);
    assert.ok(run.files.every((f) => f.action === 'unchanged'));
    assert.equal(run.summary.folders.created, 0);
    assert.deepEqual(run.summary.albums, { created: 0, updated: 0, unchanged: 2 });
    assert.deepEqual((await children('root')).map((f) => f.fileName), ['Library']);
    assert.equal((await albums(1)).length, 2);
  });

  test('without the state, sha256 and name recognise every file: still nothing uploaded', async () => {
    const run = await importNow({ stateFile: path.join(work, 'state', 'fresh.jsonl') });
    assert.equal(run.summary.imported, 0);
    assert.equal(run.summary.duplicates, 5);
    assert.ok(run.files.every((f) => f.action === 'present'));
    const top = await folderId('root', 'Library');
    assert.equal((await children(top)).length, 3);
  });

  test('a file changed on disk is uploaded again, once, and replaces the earlier one', async () => {
    const changed = Buffer.concat([JPEG, Buffer.from('winter, edited')]);
    const file = path.join(library, '2019/Winter/photo.jpg');
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const run = await importNow({ albums: 'collection' });
    assert.equal(run.summary.imported, 1);
    assert.equal(run.summary.replaced, 1);
    assert.equal(run.summary.duplicates, 4);
    assert.deepEqual(run.files.filter((f) => f.action !== 'unchanged').map((f) => [f.path, f.action]), [['2019/Winter/photo.jpg', 'replaced']]);
    const winter = await children(await folderId(await folderId(await folderId('root', 'Library'), '2019'), 'Winter'));
    assert.deepEqual(winter.map((f) => f.fileName).sort(), ['clip.mp4', 'photo.jpg']);
    assert.equal(named(winter, 'photo.jpg')!.sha256, createHash('sha256').update(changed).digest('hex'));
    // The earlier version is in the recycle bin, restorable.
    const bin = await api.list(1);
    assert.ok((bin.body.files as { fileName: string }[]).some((f) => f.fileName === 'photo.jpg'));
    // And again: nothing.
    const again = await importNow();
    assert.equal(again.summary.imported, 0);
  });

  test('a file found on the server (not made by the import) is never replaced: a changed copy goes beside it', async () => {
    const dir = path.join(work, 'Adopt');
    fs.mkdirSync(dir, { recursive: true });
    const bytes = Buffer.concat([JPEG, Buffer.from('by hand')]);
    fs.writeFileSync(path.join(dir, 'found.jpg'), bytes);
    const folder = await api.folder('Adopt');
    const byHand = await api.upload('found.jpg', bytes, folder);
    assert.equal(byHand.status, 200);
    const state = path.join(work, 'state', 'adopt.jsonl');
    const first = await importNow({ dir, stateFile: state });
    assert.equal(first.summary.imported, 0);
    assert.equal(first.summary.duplicates, 1);
    fs.writeFileSync(path.join(dir, 'found.jpg'), Buffer.concat([bytes, Buffer.from(', edited')]));
    fs.utimesSync(path.join(dir, 'found.jpg'), new Date(), new Date(Date.now() + 5000));
    const second = await importNow({ dir, stateFile: state });
    assert.equal(second.summary.imported, 1);
    assert.equal(second.summary.replaced, 0);
    assert.deepEqual((await children(folder)).map((f) => f.fileName).sort(), ['found (1).jpg', 'found.jpg']);
    const bin = await api.list(1);
    assert.ok(!(bin.body.files as { id: string }[]).some((f) => f.id === byHand.body.id), 'the hand-made file is not in the recycle bin');
  });

  test('manual albums: one per folder with photos, filled; a rerun adds no album', async () => {
    const run = await importNow({ albums: 'manual' });
    assert.deepEqual(run.summary.failed, []);
    assert.equal(run.summary.albums.created, 3);
    const list = await albums(2);
    assert.deepEqual(list.map((a) => [a.name, a.itemCount]).sort(), [['Library', 1], ['Summer', 2], ['Winter', 2]]);
    const summer = list.find((a) => a.name === 'Summer')!;
    assert.deepEqual((await albumContent(summer.id)).map((c) => c.fileName).sort(), ['IMG_0001.HEIC', 'IMG_0001.MOV']);
    const again = await importNow({ albums: 'manual', stateFile: path.join(work, 'state', 'manual-fresh.jsonl') });
    assert.equal(again.summary.albums.created, 0, 'found by name without the state');
    assert.equal((await albums(2)).length, 3);
    assert.equal((await albums(1)).length, 2);
  });

  test('more than 30 subfolders with photos: collection albums split, said so', async () => {
    const many = path.join(work, 'Many');
    for (let i = 0; i < 33; i++) {
      fs.mkdirSync(path.join(many, `day ${String(i).padStart(2, '0')}`), { recursive: true });
      fs.writeFileSync(path.join(many, `day ${String(i).padStart(2, '0')}`, 'p.jpg'), Buffer.concat([JPEG, Buffer.from(`day ${i}`)]));
    }
    const run = await importNow({ dir: many, albums: 'collection', stateFile: path.join(work, 'state', 'many.jsonl'), concurrency: 8 });
    assert.deepEqual(run.summary.failed, []);
    assert.ok(run.events.some((e) => e.event === 'warning' && /33 subfolders/.test(e.message) && /at most 30/.test(e.message)));
    const split = (await albums(1)).filter((a) => a.name.startsWith('Many'));
    assert.deepEqual(split.map((a) => [a.name, a.scopeDir.length]).sort(), [['Many 1/2', 30], ['Many 2/2', 3]]);
    const again = await importNow({ dir: many, albums: 'collection', stateFile: path.join(work, 'state', 'many.jsonl') });
    assert.equal(again.summary.imported, 0);
    assert.equal((await albums(1)).filter((a) => a.name.startsWith('Many')).length, 2);
  });

  test('into a family space, with --parent', async () => {
    const owner = familyClient(t, u);
    const family = await owner.createFamily('Holidays');
    const made = await owner.fmkdir(family, 'Imports');
    assert.equal(made.status, 200);
    const parent = made.body.id as string;
    const run = await importNow({ family: family.id, parent, albums: 'manual', stateFile: path.join(work, 'state', 'family.jsonl') });
    assert.deepEqual(run.summary.failed, []);
    assert.equal(run.summary.imported, 5);
    assert.equal(run.summary.rapid, 5, 'the content is in albumd already: no bytes sent');
    const inFamily = { 'x-hw-share-folder-id': family.id };
    const list = async (id: string) => {
      const r = await api.call('POST', `${V1}/files/0`, { containerId: family.containerId, parentFileId: id, pageInfo: { pageSize: 100 } }, inFamily);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.files as { id: string; fileName: string }[];
    };
    const top = (await list(parent)).find((f) => f.fileName === 'Library')!;
    assert.ok(top);
    assert.deepEqual((await list(top.id)).map((f) => f.fileName).sort(), ['2019', 'empty', 'top.jpg']);
    const shared = await api.listAlbums(`albumKind=2&albumType=2&groupId=${family.groupId}&pageSize=100`);
    assert.deepEqual((shared.body.albumList as { name: string }[]).map((a) => a.name).sort(), ['Library', 'Summer', 'Winter']);
    const bad = await importNow({ family: 'no-such-family', stateFile: path.join(work, 'state', 'x.jsonl') }).catch((e: Error) => e);
    assert.ok(bad instanceof Error && /--family no-such-family: no such family/.test(bad.message));
  });

  test('hashing: one read; a file gone, vanishing or changing mid-read is a clear problem', async () => {
    const file = path.join(work, 'h.bin');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(file, bytes);
    const h = await hashFile(file);
    assert.equal(h.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(h.size, bytes.length);
    const gone = await hashFile(path.join(work, 'missing.jpg')).catch((e: unknown) => e);
    assert.ok(gone instanceof FileProblem && /vanished before it could be read/.test(gone.message));
    // Deleted while it is read (its bytes stay readable through the open file: the name is checked).
    let once = false;
    const vanished = await hashFile(file, () => {
      if (!once) fs.rmSync(file);
      once = true;
    }).catch((e: unknown) => e);
    assert.ok(vanished instanceof FileProblem && /vanished while being read/.test(vanished.message), String(vanished));
    // Written to while it is read.
    fs.writeFileSync(file, bytes);
    once = false;
    const changed = await hashFile(file, () => {
      if (!once) fs.appendFileSync(file, 'more');
      once = true;
    }).catch((e: unknown) => e);
    assert.ok(changed instanceof FileProblem && /changed while being read/.test(changed.message), String(changed));
  });

  test('an unreadable file fails alone, with its reason', { skip: process.getuid?.() === 0 ? 'running as root: every file is readable' : false }, async () => {
    const dir = path.join(work, 'Locked');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.jpg'), Buffer.concat([JPEG, Buffer.from('locked a')]));
    fs.writeFileSync(path.join(dir, 'b.jpg'), Buffer.concat([JPEG, Buffer.from('locked b')]));
    fs.chmodSync(path.join(dir, 'b.jpg'), 0);
    const run = await importNow({ dir, stateFile: path.join(work, 'state', 'locked.jsonl') });
    assert.equal(run.summary.imported, 1);
    assert.deepEqual(run.summary.failed, [{ path: 'b.jpg', reason: 'cannot read: permission denied' }]);
  });

  describe('as a command (a process of its own)', () => {
    /** Runs the real command: `node --import tsx test/helpers/import-run.ts …`. */
    function command(args: string[], env: Record<string, string> = {}, onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/import-run.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, ALBUMD_PASSWORD: PASSWORD, XDG_STATE_HOME: path.join(work, 'xdg'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let pending = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        pending += d.toString();
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          onLine?.(line, child);
        }
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
      );
    }

    const jsonEvents = (stdout: string): ImportEvent[] =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ImportEvent);

    /** A library of `n` files of 1 MB each: long enough to stop midway. */
    function bigLibrary(name: string, n: number): string {
      const dir = path.join(work, name);
      fs.mkdirSync(path.join(dir, 'a'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'b'), { recursive: true });
      for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, i % 2 ? 'a' : 'b', `f${String(i).padStart(3, '0')}.jpg`), randomBytes(1024 * 1024));
      return dir;
    }

    async function remoteFiles(dirName: string): Promise<Record<string, unknown>[]> {
      const top = named(await children('root'), dirName);
      if (!top) return [];
      const out: Record<string, unknown>[] = [];
      for (const sub of await children(top.id as string)) out.push(...(await children(sub.id as string)));
      return out;
    }

    test('bad arguments and input: exit 2 with a clear message', async () => {
      const missing = await command([path.join(work, 'nope'), '--server', origin, '--phone', u.phone]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no such directory: .*nope/);
      const albumsBad = await command([library, '--server', origin, '--phone', u.phone, '--albums', 'all']);
      assert.equal(albumsBad.code, 2);
      assert.match(albumsBad.stderr, /--albums all: must be none, collection or manual/);
      const noWho = await command([library, '--server', origin]);
      assert.equal(noWho.code, 2);
      const noPassword = await command([library, '--server', origin, '--phone', u.phone], { ALBUMD_PASSWORD: '' });
      assert.equal(noPassword.code, 2, noPassword.stderr);
      const wrong = await command([library, '--server', origin, '--phone', u.phone], { ALBUMD_PASSWORD: 'wrong password' });
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /sign-in refused/);
    });

    test('no server there: a clear message, exit 1', async () => {
      const port = await freePort();
      const r = await command([library, '--server', `http://127.0.0.1:${port}`, '--phone', u.phone]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot reach albumd at http:\/\/127\.0\.0\.1:\d+: connection refused/);
    });

    test('the command with --token, a rerun via $XDG_STATE_HOME sends nothing', async () => {
      const args = [library, '--server', origin, '--token', u.accessToken, '--user-id', u.userId, '--json'];
      const r = await command(args);
      assert.equal(r.code, 0, r.stderr);
      const summary = jsonEvents(r.stdout).find((e) => e.event === 'summary') as Summary & { event: 'summary' };
      assert.equal(summary.imported + summary.duplicates, 5);
      assert.equal(fs.readdirSync(path.join(work, 'xdg', 'albumd', 'imports')).filter((f) => f.endsWith('.jsonl')).length, 1);
      const again = await command(args);
      const s2 = jsonEvents(again.stdout).find((e) => e.event === 'summary') as Summary & { event: 'summary' };
      assert.equal(s2.imported, 0);
      assert.equal(s2.duplicates, 5);
      assert.ok(jsonEvents(again.stdout).filter((e) => e.event === 'file').every((e) => (e as FileEvent).action === 'unchanged'));
    });

    test('killed midway (SIGKILL), a rerun finishes: nothing duplicated, nothing left half-sent', async () => {
      const n = 60;
      const dir = bigLibrary('Killed', n);
      const state = path.join(work, 'state', 'killed.jsonl');
      let seen = 0;
      let finished = false;
      const first = await command([dir, '--server', origin, '--phone', u.phone, '--json', '--state', state, '--concurrency', '2'], { ALBUMD_IMPORT_MULTIPART_ABOVE: '262144' }, (line, child) => {
        if (line.includes('"event":"summary"')) finished = true;
        if (line.includes('"event":"file"') && ++seen === 4) child.kill('SIGKILL');
      });
      assert.equal(first.signal, 'SIGKILL');
      assert.ok(!finished, 'killed before the end');
      const before = await remoteFiles('Killed');
      assert.ok(before.length >= 4 && before.length < n, `${before.length} files after the kill`);
      for (const f of before) assert.equal(f.size, 1024 * 1024, 'only whole files are visible');

      // The uploads the killed run had begun, as its state recorded them (before their first byte).
      const begun = new Set<string>();
      for (const line of fs.readFileSync(state, 'utf8').split('\n')) {
        if (!line.startsWith('{')) continue;
        const l = JSON.parse(line) as { t: string; uploadId: string };
        if (l.t === 'pending') begun.add(l.uploadId);
        if (l.t === 'settled') begun.delete(l.uploadId);
      }

      const resumed = await importNow({ dir, stateFile: state });
      assert.deepEqual(resumed.summary.failed, []);
      assert.equal(resumed.summary.imported + resumed.summary.duplicates, n);
      assert.ok(resumed.summary.duplicates >= 4);
      if (begun.size > 0) assert.ok(resumed.events.some((e) => e.event === 'info' && /gave up/.test(e.message)));
      const after = await remoteFiles('Killed');
      assert.equal(after.length, n);
      assert.equal(new Set(after.map((f) => f.fileName)).size, n);
      assert.ok(after.every((f) => /^f\d{3}\.jpg$/.test(f.fileName as string)), 'no "(1)" copies');
      // The unfinished uploads the state knew of were given up by the rerun. One whose files/create
      // answer the kill cut off was never known to the client: invisible, it expires in 24 h.
      const db = await rawSql(t.config.database);
      const left = await db.all<{ id: string }>('select id from uploads where user_id = ?', u.userId);
      await db.close();
      assert.ok(left.every((row) => !begun.has(row.id)), 'every recorded upload given up');
      assert.ok(left.length <= 2, `${left.length} uploads left (at most one per worker)`);
    });

    test('interrupted (SIGINT): the uploads under way given up, exit 130, a rerun finishes', async () => {
      const n = 60;
      const dir = bigLibrary('Interrupted', n);
      const state = path.join(work, 'state', 'interrupted.jsonl');
      let seen = 0;
      const since = Date.now();
      const first = await command([dir, '--server', origin, '--phone', u.phone, '--json', '--state', state, '--concurrency', '3'], {}, (line, child) => {
        if (line.includes('"event":"file"') && ++seen === 3) child.kill('SIGINT');
      });
      assert.equal(first.code, 130, first.stderr);
      const summary = jsonEvents(first.stdout).find((e) => e.event === 'summary') as Summary & { event: 'summary' };
      assert.equal(summary.interrupted, true);
      assert.ok(summary.notDone > 0);
      const db = await rawSql(t.config.database);
      const left = await db.get<{ n: number }>('select count(*) as n from uploads where user_id = ? and created_at >= ?', u.userId, since);
      await db.close();
      assert.equal(Number(left?.n), 0, 'nothing left half-uploaded');
      const resumed = await importNow({ dir, stateFile: state });
      assert.equal(resumed.summary.imported + resumed.summary.duplicates, n);
      assert.equal((await remoteFiles('Interrupted')).length, n);
    });
  });

  test('the server goes away midway: the run stops with a clear message; a rerun completes', async () => {
    const dir = path.join(work, 'Flaky');
    fs.mkdirSync(dir);
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `p${String(i).padStart(2, '0')}.jpg`), randomBytes(256 * 1024));
    const target = Number(new URL(origin).port);
    const port = await freePort();
    const proxy = tcpProxy(port, target);
    await proxy.ready;
    const server = `http://127.0.0.1:${port}`;
    const state = path.join(work, 'state', 'flaky.jsonl');
    let files = 0;
    const run = await importNow({ dir, server, stateFile: state, concurrency: 2 }, (e) => {
      if (e.event === 'file' && ++files === 3) void proxy.close();
    });
    assert.ok(run.summary.stopped, 'stopped');
    assert.match(run.summary.stopped!, /cannot reach albumd at http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(run.summary.notDone > 0);
    const top = await folderId('root', 'Flaky');
    const visible = await children(top);
    for (const f of visible) assert.equal(f.size, 256 * 1024, 'only whole files are visible');

    const again = tcpProxy(port, target);
    await again.ready;
    try {
      const resumed = await importNow({ dir, server, stateFile: state });
      assert.deepEqual(resumed.summary.failed, []);
      assert.equal(resumed.summary.imported + resumed.summary.duplicates, 40);
      assert.equal((await children(top)).length, 40);
    } finally {
      await again.close();
    }
  });
});

/** A TCP proxy to albumd that can be closed with every connection cut: a server going away. */
function tcpProxy(port: number, target: number): { ready: Promise<void>; close: () => Promise<void> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1');
    sockets.add(inbound);
    sockets.add(outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  const ready = new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    ready,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
