import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { startTestApp, client, tempDir, type TestApp, type TestUser } from './helpers/app.js';
import { familyClient, photo } from './helpers/family.js';
import { assertConsistent } from './helpers/integrity.js';
import { ROOT } from './helpers/process.js';
import { rawSql, type RawSql } from './helpers/raw-sql.js';
import { databaseEnv, testDialect } from './helpers/test-database.js';
import { migrationProvider } from '../src/db/migrations/index.js';
import { createStore } from '../src/db/database.js';

const V1 = '/koodrive/ose/v1';
const PASSWORD = 'correct horse battery';
const BIN = path.join(ROOT, 'bin/albumd');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a spawned bin/albumd needs to find the test app's data directory and database. */
async function cliEnv(t: TestApp, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env = { ALBUMD_DATA_DIR: t.dataDir, LOG_LEVEL: 'silent', ...extra };
  const { ALBUMD_PASSWORD: _inherited, ...inherited } = process.env;
  return { ...inherited, ...(await databaseEnv(env)), ...env };
}

/** Runs bin/albumd with stdin not a terminal; never rejects: the exit code is the result. */
async function albumd(t: TestApp, args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const env = await cliEnv(t, extra);
  return new Promise((resolve) => {
    const child = execFile(BIN, args, { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const json = (r: Run): Record<string, unknown> => {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON line: ${r.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
};

/** A refusal: the exit code, one message naming the problem, never a stack trace. */
function refused(r: Run, code: number, message: RegExp): void {
  assert.equal(r.code, code, `exit ${r.code}, stdout ${r.stdout}, stderr ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.stdout, '');
}

const hasScript = ((): boolean => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs bin/albumd on a pseudo-terminal (util-linux `script`): each answer is typed once the
 * output shows its prompt. The output is everything the terminal showed.
 */
async function onTerminal(t: TestApp, args: string[], answers: { after: RegExp; type: string }[]): Promise<{ code: number; output: string }> {
  const env = await cliEnv(t);
  const child = spawn('script', ['-qec', [BIN, ...args].map(quote).join(' '), '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let next = 0;
  let seen = 0;
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
    while (next < answers.length) {
      const rest = output.slice(seen);
      const m = answers[next]!.after.exec(rest);
      if (!m) break;
      seen += m.index + m[0].length;
      child.stdin.write(answers[next]!.type);
      next += 1;
    }
  });
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  child.stdin.destroy();
  return { code, output };
}

describe('bin/albumd user list | passwd | disable | enable | delete', () => {
  let t: TestApp;
  let db: RawSql;
  before(async () => {
    t = await startTestApp();
    db = await rawSql(t.config.database);
  });
  after(async () => {
    await db?.close();
    await t?.close();
  });

  const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object });
  const login = (phone: string, password = PASSWORD) => post(`${V1}/auth/login`, { account: phone, authType: '1', password });
  const refresh = (refreshToken: string) => post(`${V1}/auth/refreshToken`, { refreshToken });
  /** A gated request with this access token: its status and code. */
  const gate = async (userId: string, accessToken: string): Promise<{ status: number; code: number }> => {
    const r = await client(t, { userId, accessToken } as TestUser).call('GET', `${V1}/album/list?albumKind=1&albumType=2`);
    return { status: r.status, code: r.body.code };
  };
  const session = async (phone: string, password = PASSWORD): Promise<{ accessToken: string; refreshToken: string }> => {
    const r = await login(phone, password);
    assert.equal(r.statusCode, 200, r.body);
    return r.json().data.sessionInfo as { accessToken: string; refreshToken: string };
  };

  test('user list: every user with its space usage and album count; a table without --json', async () => {
    const ann = await t.newUser('Ann');
    const bob = await t.newUser('Bob \u001b[31m');
    const api = client(t, ann);
    const up = await api.upload('a.jpg', photo('list', 1));
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal((await api.createAlbum({ name: 'one', type: 2, albumKind: 1 })).status, 200);
    assert.equal((await albumd(t, ['user', 'disable', '--phone', bob.phone])).code, 0);

    const listed = json(await albumd(t, ['user', 'list', '--json']));
    assert.deepEqual(Object.keys(listed), ['users']);
    const users = listed.users as Record<string, unknown>[];
    const a = users.find((u) => u.userId === ann.userId)!;
    const b = users.find((u) => u.userId === bob.userId)!;
    assert.deepEqual(Object.keys(a).sort(), ['albumCount', 'createTime', 'name', 'phone', 'status', 'usedBytes', 'userId']);
    assert.deepEqual(
      { ...a, createTime: undefined },
      { userId: ann.userId, phone: ann.phone, name: 'Ann', createTime: undefined, status: 'enabled', usedBytes: Number(up.body.size), albumCount: 1 },
    );
    assert.ok(Number.isFinite(Date.parse(String(a.createTime))));
    assert.equal(b.status, 'disabled');
    assert.equal(b.usedBytes, 0);
    assert.equal(b.name, 'Bob \u001b[31m', 'JSON keeps the name as it is');

    const table = await albumd(t, ['user', 'list']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^USER ID\s+PHONE\s+NAME\s+CREATED\s+STATUS\s+USED\s+ALBUMS$/);
    assert.ok(lines.some((l) => l.startsWith(ann.userId) && l.includes(ann.phone) && / enabled /.test(l)));
    assert.ok(lines.some((l) => l.startsWith(bob.userId) && / disabled /.test(l)));
    assert.ok(!table.stdout.includes('\u001b'), 'no escape sequence from a name reaches the terminal');
    assert.match(lines.at(-1)!, /^\d+ users$/);
  });

  test('user passwd: the new password works, the old one does not, every session ends', async () => {
    const u = await t.newUser();
    const other = await t.newUser();
    const s = await session(u.phone);
    const otherSession = await session(other.phone);
    const fresh = 'a brand new password';

    const done = json(await albumd(t, ['user', 'passwd', '--phone', u.phone, '--json'], { ALBUMD_PASSWORD: fresh }));
    assert.deepEqual(done, { userId: u.userId, phone: u.phone, passwordChanged: true, sessionsEnded: 2 });

    assert.deepEqual(await gate(u.userId, u.accessToken), { status: 401, code: 13001001 });
    assert.deepEqual(await gate(u.userId, s.accessToken), { status: 401, code: 13001001 });
    const rr = await refresh(s.refreshToken);
    assert.equal(rr.statusCode, 401);
    assert.equal(rr.json().code, 13001001);
    const old = await login(u.phone);
    assert.equal(old.statusCode, 401);
    assert.deepEqual(old.json(), { code: 13001001, msg: 'Authentication failed.' });
    const next = await session(u.phone, fresh);
    assert.equal((await gate(u.userId, next.accessToken)).status, 200);
    assert.equal((await gate(other.userId, otherSession.accessToken)).status, 200, "another user's session is untouched");

    // The human form says that sessions ended.
    const text = await albumd(t, ['user', 'passwd', '--phone', u.phone], { ALBUMD_PASSWORD: 'yet another password' });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /changed/);
    assert.match(text.stdout, /1 session ended/);
    assert.deepEqual(await gate(u.userId, next.accessToken), { status: 401, code: 13001001 });

    // The rules of user add; no terminal and no ALBUMD_PASSWORD; no password on the command line.
    refused(await albumd(t, ['user', 'passwd', '--phone', u.phone], { ALBUMD_PASSWORD: 'short' }), 2, /password: must be at least 8 characters/);
    refused(await albumd(t, ['user', 'passwd', '--phone', u.phone]), 2, /ALBUMD_PASSWORD/);
    refused(await albumd(t, ['user', 'passwd', '--phone', u.phone, '--password', 'on the command line']), 2, /no --password/);
    assert.equal((await login(u.phone, 'yet another password')).statusCode, 200, 'the refusals changed nothing');
  });

  test('user passwd on a terminal: asked twice without echo; two different answers change nothing', { skip: !hasScript && 'needs util-linux script' }, async () => {
    const u = await t.newUser();
    const typed = 'typed at the prompt';
    const ok = await onTerminal(t, ['user', 'passwd', '--phone', u.phone], [
      { after: /New password: /, type: `${typed}\r` },
      { after: /Type it again: /, type: `${typed}\r` },
    ]);
    assert.equal(ok.code, 0, ok.output);
    assert.ok(!ok.output.includes(typed), `the password is never shown: ${ok.output}`);
    assert.match(ok.output, /session/);
    assert.equal((await login(u.phone, typed)).statusCode, 200);

    const differ = await onTerminal(t, ['user', 'passwd', '--phone', u.phone], [
      { after: /New password: /, type: 'first answer here\r' },
      { after: /Type it again: /, type: 'second answer here\r' },
    ]);
    assert.equal(differ.code, 2, differ.output);
    assert.match(differ.output, /differ; nothing was changed/);
    assert.equal((await login(u.phone, typed)).statusCode, 200);
  });

  test('user disable: tokens, login and refresh refused at once with 13001001; enable lets the user log in again', async () => {
    const u = await t.newUser();
    const s = await session(u.phone);
    assert.equal((await gate(u.userId, s.accessToken)).status, 200);
    // A download link and a thumbnail URL issued before the disable.
    const api = client(t, u);
    const up = await api.upload('mine.png', await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer());
    const link = await api.call('POST', `${V1}/files/download`, { containerId: u.containerId, fileIds: [String(up.body.id)] });
    const signed = [new URL((link.body.downloads as { url: string }[])[0]!.url), new URL(String(up.body.thumbnailUrl))];
    const fetchSigned = async (url: URL) => (await t.app.inject({ method: 'GET', url: url.pathname + url.search })).statusCode;
    for (const url of signed) assert.equal(await fetchSigned(url), 200);
    const created = await api.call('POST', `${V1}/files/create`, { fileName: 'later.bin', containerId: u.containerId, length: 10 });
    const part = new URL((created.body.multiParts as { uploadUrl: string }[])[0]!.uploadUrl);
    const putPart = async () => (await t.app.inject({ method: 'PUT', url: part.pathname + part.search, payload: Buffer.alloc(10, 1), headers: { 'content-type': 'application/octet-stream' } })).statusCode;

    const off = json(await albumd(t, ['user', 'disable', '--phone', u.phone, '--json']));
    for (const url of signed) assert.equal(await fetchSigned(url), 400, `${url.pathname}: links stop with the account`);
    assert.equal(await putPart(), 400, 'an upload URL stops with the account too');
    assert.deepEqual(off, { userId: u.userId, phone: u.phone, status: 'disabled', changed: true, sessionsEnded: 2 });
    assert.deepEqual(await gate(u.userId, s.accessToken), { status: 401, code: 13001001 });
    assert.deepEqual(await gate(u.userId, u.accessToken), { status: 401, code: 13001001 });
    const refused401 = await login(u.phone);
    assert.equal(refused401.statusCode, 401);
    assert.deepEqual(refused401.json(), { code: 13001001, msg: 'Authentication failed.' }, 'the same answer as a wrong password');
    const r = await refresh(s.refreshToken);
    assert.equal(r.statusCode, 401);
    assert.deepEqual(r.json(), { code: 13001001, msg: 'Authentication failed.' });
    const issue = await albumd(t, ['token', 'issue', '--user', u.userId]);
    assert.equal(issue.code, 1);
    assert.match(issue.stderr, /disabled/);

    // A token made around the gate's back (as an older process might) does not work either.
    await db.run('update tokens set revoked = 0 where user_id = ?', u.userId);
    assert.deepEqual(await gate(u.userId, s.accessToken), { status: 401, code: 13001001 });
    assert.equal((await refresh(s.refreshToken)).statusCode, 401);
    await db.run('update tokens set revoked = 1 where user_id = ?', u.userId);

    const again = json(await albumd(t, ['user', 'disable', '--phone', u.phone, '--json']));
    assert.equal(again.changed, false);

    const text = await albumd(t, ['user', 'enable', '--phone', u.phone]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /enabled/);
    const next = await session(u.phone);
    assert.equal((await gate(u.userId, next.accessToken)).status, 200);
    for (const url of signed) assert.equal(await fetchSigned(url), 200, 'enabled again: its links work');
    assert.deepEqual(await gate(u.userId, s.accessToken), { status: 401, code: 13001001 }, 'sessions the disable ended stay ended');
    assert.equal((await refresh(s.refreshToken)).statusCode, 401);
    assert.equal(json(await albumd(t, ['user', 'enable', '--phone', u.phone, '--json'])).changed, false);
  });

  test('a login racing a disable never leaves a working token (in process)', async () => {
    const u = await t.newUser();
    const auth = t.domain.auth;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // How long a login takes here (its password check is most of it): logins start all through that
    // window and beyond, the disable in its middle, so some check the password before the disable
    // commits and ask for their tokens after it.
    const started = Date.now();
    await auth.login(u.phone, PASSWORD);
    const span = Math.max(20, Date.now() - started);
    let before = 0;
    let refused = 0;
    for (let round = 0; round < 4; round++) {
      const logins = Array.from({ length: 24 }, (_, i) =>
        sleep((i * span * 2) / 24).then(() => auth.login(u.phone, PASSWORD).then((x) => x.session, () => undefined)),
      );
      const disabled = sleep(span / 2 + (round * span) / 4).then(() => t.domain.userAdmin.setStatus(u.phone, false));
      const sessions = await Promise.all(logins);
      await disabled;
      for (const s of sessions) {
        if (s === undefined) {
          refused += 1;
          continue;
        }
        before += 1;
        assert.deepEqual(await gate(u.userId, s.accessToken), { status: 401, code: 13001001 });
        assert.equal((await refresh(s.refreshToken)).statusCode, 401);
      }
      await assert.rejects(auth.login(u.phone, PASSWORD));
      await t.domain.userAdmin.setStatus(u.phone, true);
    }
    assert.ok(before > 0 && refused > 0, `logins on both sides of the disable (${before} before, ${refused} refused)`);
  });

  test('a login racing bin/albumd user disable never leaves a working token (two processes)', async () => {
    const u = await t.newUser();
    const sessions: { accessToken: string; refreshToken: string }[] = [];
    let running = true;
    const cli = albumd(t, ['user', 'disable', '--phone', u.phone, '--json']).finally(() => (running = false));
    const loop = async (): Promise<void> => {
      while (running) {
        const r = await login(u.phone);
        if (r.statusCode === 200) sessions.push(r.json().data.sessionInfo as { accessToken: string; refreshToken: string });
      }
    };
    await Promise.all([loop(), loop(), loop()]);
    assert.equal(json(await cli).status, 'disabled');
    assert.ok(sessions.length > 0, 'logins ran while the command started');
    for (const s of sessions) assert.deepEqual(await gate(u.userId, s.accessToken), { status: 401, code: 13001001 });
    const active = await db.get<{ n: number }>('select count(*) as n from tokens where user_id = ? and revoked = 0', u.userId);
    assert.equal(Number(active?.n), 0, 'every token of the user is revoked');
  });

  test('user delete: the user, their files, albums and owned family go; the other family keeps its files; the library stays consistent', async () => {
    const [ann, bob, cy] = await Promise.all([t.newUser('Ann'), t.newUser('Bob'), t.newUser('Cy')]);
    const a = familyClient(t, ann);
    const b = familyClient(t, bob);
    const c = familyClient(t, cy);
    const uploaded = async (r: Promise<{ status: number; body: Record<string, unknown> }>): Promise<string> => {
      const x = await r;
      assert.equal(x.status, 200, JSON.stringify(x.body));
      return String(x.body.id);
    };

    // Ann's personal space: folders, files (one recycled, one with content Cy has too), a manual and a collection album.
    const trips = await a.folder('Trips');
    const deep = await a.folder('Deep', trips);
    const p1 = await uploaded(a.upload('p1.jpg', photo('ann', 1), trips));
    const p2 = await uploaded(a.upload('p2.jpg', photo('ann', 2), deep));
    const shared = photo('both', 1);
    const p3 = await uploaded(a.upload('p3.jpg', shared));
    const binned = await uploaded(a.upload('bin.jpg', photo('ann', 3), trips));
    assert.equal((await a.job(2, [binned])).status, 200);
    await uploaded(c.upload('same.jpg', shared));
    const manual = String((await a.createAlbum({ name: 'Best', type: 2, albumKind: 1 })).body.albumId);
    assert.equal((await a.addToAlbum(manual, [{ fileId: p1, ownerId: ann.userId }, { fileId: p3, ownerId: ann.userId }])).status, 200);
    const collection = await a.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [trips], scopeKind: '1,2' });
    assert.equal(collection.status, 200, JSON.stringify(collection.body));

    // Bob's family, Ann a member with files in it and a shared album she made.
    const bobs = await b.createFamily('Bobs');
    await a.join(b, bobs);
    const bobFile = await uploaded(b.fupload(bobs, 'bob.jpg', photo('bob', 1)));
    const annInBobs = await uploaded(a.fupload(bobs, 'ann-in-bobs.jpg', photo('ann', 4)));
    const bobAlbum = String((await b.sharedAlbum(bobs, { type: 2, name: 'Bob picks' })).body.albumId);
    assert.equal((await b.addToAlbum(bobAlbum, [{ fileId: bobFile, ownerId: bob.userId }, { fileId: annInBobs, ownerId: ann.userId }])).status, 200);
    const annAlbumInBobs = String((await a.sharedAlbum(bobs, { type: 2, name: 'Ann made' })).body.albumId);

    // Ann's family, Cy a member with a file in it.
    const anns = await a.createFamily('Anns');
    await c.join(a, anns);
    const cyInAnns = await uploaded(c.fupload(anns, 'cy-in-anns.jpg', photo('cy', 1)));
    await uploaded(a.fupload(anns, 'ann-in-anns.jpg', photo('ann', 5)));
    const annsAlbum = String((await c.sharedAlbum(anns, { type: 2, name: 'Cy made' })).body.albumId);
    assert.equal((await c.addToAlbum(annsAlbum, [{ fileId: cyInAnns, ownerId: cy.userId }])).status, 200);

    const s = await session(ann.phone);
    const shaOf = async (id: string): Promise<string> => (await db.get<{ sha256: string }>('select sha256 from files where id = ?', id))!.sha256;
    const [onlyAnn, both, cyOnly] = [await shaOf(p2), await shaOf(p3), await shaOf(cyInAnns)];
    await assertConsistent(t);

    // Not on a terminal and no --yes: refused, nothing changes.
    refused(await albumd(t, ['user', 'delete', '--phone', ann.phone]), 2, /--yes/);
    assert.equal((await gate(ann.userId, s.accessToken)).status, 200);

    // Her family has another member, whose photos would go with it: only with --with-families.
    refused(await albumd(t, ['user', 'delete', '--phone', ann.phone, '--yes']), 2, /owns "Anns" \(1 other member\).*--with-families.*Nothing was deleted/s);
    assert.equal((await gate(ann.userId, s.accessToken)).status, 200);
    await assert.rejects(t.domain.userAdmin.delete(ann.phone), /other members: nothing was deleted/);
    assert.equal((await gate(ann.userId, s.accessToken)).status, 200);

    const done = json(await albumd(t, ['user', 'delete', '--phone', ann.phone, '--yes', '--with-families', '--json']));
    assert.deepEqual(
      { ...done, familiesDeleted: undefined, familiesLeft: undefined },
      { deleted: true, userId: ann.userId, phone: ann.phone, files: 6, folders: 2, bytes: done.bytes, albums: 3, sessionsEnded: 2, familiesDeleted: undefined, familiesLeft: undefined },
    );
    assert.ok(Number(done.bytes) > 0);
    assert.deepEqual((done.familiesDeleted as { name: string }[]).map((f) => f.name), ['Anns']);
    assert.deepEqual((done.familiesLeft as { name: string }[]).map((f) => f.name), ['Bobs']);

    // Ann is gone: no login, no token, no rows.
    assert.equal((await login(ann.phone)).statusCode, 401);
    assert.deepEqual(await gate(ann.userId, s.accessToken), { status: 401, code: 13001001 });
    assert.equal((await refresh(s.refreshToken)).statusCode, 401);
    for (const [sql, ...params] of [
      ['select count(*) as n from users where id = ?', ann.userId],
      ['select count(*) as n from tokens where user_id = ?', ann.userId],
      ['select count(*) as n from jobs where user_id = ?', ann.userId],
      ['select count(*) as n from containers where id in (?, ?)', ann.containerId, anns.containerId],
      ['select count(*) as n from files where container_id in (?, ?)', ann.containerId, anns.containerId],
      ['select count(*) as n from albums where owner_id in (?, ?)', ann.userId, anns.groupId],
      ['select count(*) as n from album_items where album_id in (?, ?)', manual, annsAlbum],
      ['select count(*) as n from family_members where user_id = ?', ann.userId],
      ['select count(*) as n from families where group_id = ?', anns.groupId],
      ['select count(*) as n from invitations where group_id = ?', anns.groupId],
    ] as [string, ...string[]][]) {
      assert.equal(Number((await db.get<{ n: number }>(sql, ...params))?.n), 0, `${sql} ${params.join(', ')}`);
    }

    // Content: a reference less each; what nobody references any more is marked for the sweep.
    const blob = (sha: string) => db.get<{ ref_count: number; unreferenced_since: number | null }>('select ref_count, unreferenced_since from blobs where sha256 = ?', sha);
    assert.equal((await blob(onlyAnn))?.ref_count, 0);
    assert.notEqual((await blob(onlyAnn))?.unreferenced_since, null);
    assert.deepEqual({ ...(await blob(both)) }, { ref_count: 1, unreferenced_since: null }, "Cy's copy still holds the shared content");
    assert.equal((await blob(cyOnly))?.ref_count, 0, "Cy's upload went with Ann's family (decisions.md §9: a deleted family's tree goes to its owner)");

    // Bob's family: Bob still sees his files and Ann's uploads (files stay when a member leaves), and the albums.
    const listed = await b.flist(bobs);
    assert.equal(listed.status, 200);
    assert.deepEqual(new Set((listed.body.files as { id: string }[]).map((f) => f.id)), new Set([bobFile, annInBobs]));
    assert.equal((await b.fdetail(bobs, bobFile)).status, 200);
    const album = await b.albumList(bobAlbum);
    assert.deepEqual(new Set((album.body.contentList as { id: string }[] | undefined)?.map((x) => x.id) ?? []), new Set([bobFile, annInBobs]));
    assert.equal((await b.albumList(annAlbumInBobs)).status, 200, 'a shared album Ann made stays with the family');
    const members = await b.call('GET', `${V1}/usergroupsInvite/memberList/${bobs.groupId}`);
    assert.deepEqual((members.body.members as { userId: string }[]).map((m) => m.userId), [bob.userId]);

    // Cy: Ann's family is gone from the list; Cy's own space is untouched.
    const cyFamilies = await c.families();
    assert.ok(!(cyFamilies.body.folders as { id: string }[] | undefined ?? []).some((f) => f.id === anns.id));
    assert.equal((await c.list(0)).status, 200);

    await assertConsistent(t);
    const check = await albumd(t, ['check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.ok(!(json(await albumd(t, ['user', 'list', '--json'])).users as { userId: string }[]).some((u) => u.userId === ann.userId));
    refused(await albumd(t, ['user', 'delete', '--phone', ann.phone, '--yes']), 2, /no user has the phone number/);
  });

  test('user delete goes a batch of files per write: consistent after each; stopped midway, the account is disabled and running it again finishes', async () => {
    const dee = await t.newUser('Dee');
    const d = familyClient(t, dee);
    const folder = await d.folder('Many');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await d.upload(`m${i}.jpg`, photo('dee', i), i % 2 === 0 ? folder : undefined);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      ids.push(String(r.body.id));
    }
    const album = String((await d.createAlbum({ name: 'Some', type: 2, albumKind: 1 })).body.albumId);
    assert.equal((await d.addToAlbum(album, ids.slice(0, 6).map((fileId) => ({ fileId, ownerId: dee.userId })))).status, 200);
    const s = await session(dee.phone);
    const left = async (): Promise<number> => Number((await db.get<{ n: number }>('select count(*) as n from files where container_id = ? and file_type <> ?', dee.containerId, '10'))?.n);

    // A family of Dee's alone, with an invitation out: once the delete has begun, nobody joins it.
    const eve = await t.newUser('Eve');
    const fam = await d.createFamily('Dees');
    const invite = await d.invite(fam.groupId, eve.phone);
    assert.equal(invite.status, 200, JSON.stringify(invite.body));

    const seen: number[] = [];
    await assert.rejects(
      t.domain.userAdmin.delete(dee.phone, undefined, {
        filesPerWrite: 5,
        progress: (n) => {
          seen.push(n);
          if (n >= 5) throw new Error('the machine stopped');
        },
      }),
      /the machine stopped/,
    );
    assert.deepEqual(seen, [5]);
    assert.equal(await left(), 7, 'one batch went');
    await assertConsistent(t);
    assert.deepEqual(await gate(dee.userId, s.accessToken), { status: 401, code: 13001001 }, 'the account is disabled from the first write on');
    assert.equal((await login(dee.phone)).statusCode, 401);
    const joining = await familyClient(t, eve).confirm(fam.groupId, String(invite.body.inviteId), 1);
    assert.equal(joining.body.code, 13000309, 'a disabled owner\'s family takes no new member');

    const progress: number[] = [];
    const done = await t.domain.userAdmin.delete(dee.phone, undefined, { filesPerWrite: 5, progress: (n) => progress.push(n) });
    assert.deepEqual(progress, [5], 'the next 5, then the last 2 with the rest');
    assert.equal(done.files, 7, 'this run deleted the 7 left');
    assert.equal(done.albums, 1);
    assert.deepEqual(done.familiesDeleted.map((f) => f.name), ['Dees'], 'still alone in it: deleted without --with-families');
    assert.equal(Number((await db.get<{ n: number }>('select count(*) as n from users where id = ?', dee.userId))?.n), 0);
    await assertConsistent(t);
  });

  test('the same user delete 20 times at once: one deletes, the others find no user; the library stays consistent', async () => {
    const fay = await t.newUser('Fay');
    const f = familyClient(t, fay);
    const folder = await f.folder('Some');
    for (let i = 0; i < 9; i++) assert.equal((await f.upload(`f${i}.jpg`, photo('fay', i), i % 2 ? folder : undefined)).status, 200);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => t.domain.userAdmin.delete(fay.phone, undefined, { filesPerWrite: 2 })));
    const done = outcomes.filter((o): o is PromiseFulfilledResult<Awaited<ReturnType<typeof t.domain.userAdmin.delete>>> => o.status === 'fulfilled');
    assert.equal(done.length, 1, JSON.stringify(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))));
    for (const o of outcomes) if (o.status === 'rejected') assert.match(String(o.reason), /no user has the phone number/);
    assert.equal(Number((await db.get<{ n: number }>('select count(*) as n from files where container_id = ?', fay.containerId))?.n), 0);
    await assertConsistent(t);
  });

  test('user delete on a terminal: a wrong answer deletes nothing; the phone number confirms', { skip: !hasScript && 'needs util-linux script' }, async () => {
    const u = await t.newUser('Dee');
    const owner = familyClient(t, u);
    await owner.createFamily('Dees');
    const no = await onTerminal(t, ['user', 'delete', '--phone', u.phone], [{ after: /to delete the user: /, type: '0000000\r' }]);
    assert.equal(no.code, 1, no.output);
    assert.match(no.output, /family "Dees"/);
    assert.match(no.output, /not confirmed; nothing was deleted/);
    assert.equal((await gate(u.userId, u.accessToken)).status, 200);

    const yes = await onTerminal(t, ['user', 'delete', '--phone', u.phone], [{ after: /to delete the user: /, type: `+${u.phone.slice(2)}\r` }]);
    assert.equal(yes.code, 0, yes.output);
    assert.match(yes.output, /Deleted user/);
    assert.deepEqual(await gate(u.userId, u.accessToken), { status: 401, code: 13001001 });
    await assertConsistent(t);
  });

  test('bad arguments and unknown numbers: exit 2 with a message, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['user', 'list', '--bogus'], /Unknown option '--bogus'/],
      [['user', 'disable', '--phone', '0086138000', 'extra'], /Unexpected argument 'extra'/],
      [['user', 'frobnicate'], /unknown command/],
    ];
    for (const sub of ['passwd', 'disable', 'enable', 'delete']) {
      const extra = sub === 'delete' ? ['--yes'] : [];
      cases.push([['user', sub, '--phone', '+4930123456789', ...extra], /no user has the phone number \+4930123456789/]);
      cases.push([['user', sub], /needs --phone/]);
      cases.push([['user', sub, '--phone', 'not-a-number', ...extra], /must be 6 to 20 digits/]);
    }
    // Independent processes: run together (each pays the TypeScript loader's start-up).
    const runs = await Promise.all(cases.map(([args]) => albumd(t, args, { ALBUMD_PASSWORD: 'long enough password' })));
    runs.forEach((r, i) => refused(r, 2, cases[i]![1]));
  });
});

test('0010 adds users.status (enabled) to the users an older database has', { skip: testDialect() !== 'sqlite' && 'SQLite file upgrade' }, async () => {
  const dir = tempDir();
  const file = path.join(dir, 'albumd.sqlite');
  const sqlite = new Database(file);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0009-text-in-byte-order');
  assert.equal(error, undefined);
  sqlite.prepare("insert into users (id, phone, password_hash, name, container_id, created_at) values ('u1', '0086100', 'x', 'old', 'c1', 1)").run();
  await db.destroy();
  const store = createStore({ dialect: 'sqlite', file });
  await store.migrate();
  assert.equal((await store.read.users.findById('u1'))?.status, 0);
  await store.close();
  const after = new Database(file, { readonly: true });
  assert.ok(after.prepare("select 1 from sqlite_master where type = 'index' and name = 'tokens_user'").get());
  after.close();
});
