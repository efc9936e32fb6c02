import fs from 'node:fs';
import { after, before } from 'node:test';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createStore, type Store } from '../../src/db/database.js';
import { formatXDate } from '../../src/domain/auth/credentials.js';
import { dropPostgresFor, postgresUrlFor, testDialect } from './test-database.js';

/**
 * A fresh, migrated database per test file. The kind comes from ALBUMD_TEST_DATABASE (default
 * sqlite, a real file in a temporary directory), so the same tests can run on another dialect.
 */
export async function makeTestStore(dataDir: string): Promise<{ store: Store; config: Config['database']; drop?: () => Promise<void> }> {
  const database: Config['database'] =
    testDialect() === 'postgres' ? { dialect: 'postgres', url: await postgresUrlFor(dataDir), pool: 10 } : { dialect: 'sqlite', file: path.join(dataDir, 'albumd.sqlite') };
  const store = createStore(database);
  await store.migrate();
  return { store, config: database, ...(database.dialect === 'postgres' ? { drop: () => dropPostgresFor(dataDir) } : {}) };
}

const made = new Set<string>();
// A test that fails before its cleanup still leaves no folder behind.
process.once('exit', () => {
  for (const d of made) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      // Still mounted or busy: nothing more to do on the way out.
    }
  }
});

export function tempDir(prefix = 'albumd-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

export interface TestUser {
  userId: string;
  containerId: string;
  accessToken: string;
  refreshToken: string;
  phone: string;
}

export interface TestApp extends App {
  config: Config;
  dataDir: string;
  newUser(name?: string): Promise<TestUser>;
  close(): Promise<void>;
}

let phoneCounter = 0;

export async function startTestApp(
  env: Record<string, string> = {},
  deps: { now?: () => number } = {},
  reuse: { dataDir?: string; keepDataDir?: boolean } = {},
): Promise<TestApp> {
  const dataDir = reuse.dataDir ?? tempDir();
  const config = loadConfig({ ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', ALBUMD_LOGIN_RATE_LIMIT: '0', LOG_LEVEL: 'silent', ...env });
  const { store, config: database, drop } = await makeTestStore(dataDir);
  config.database = database;
  const built = await buildApp(config, { store, logger: false, ...deps });
  return {
    ...built,
    config,
    dataDir,
    async newUser(name?: string) {
      phoneCounter += 1;
      const phone = `0086138${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
      const created = await built.domain.users.create({ phone, password: 'correct horse battery', name });
      return {
        userId: created.userId,
        containerId: created.containerId,
        accessToken: created.session.accessToken,
        refreshToken: created.session.refreshToken,
        phone,
      };
    },
    async close() {
      await built.app.close();
      await store.close();
      if (!reuse.keepDataDir) await drop?.();
      if (!reuse.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The KooDrive headers of a user, as the docs' literal example forms them (`Bearer+AT …`). */
export function authHeaders(user: TestUser, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer+${user.accessToken}`,
    'x-user-id': user.userId,
    'x-date': formatXDate(Date.now()),
    ...extra,
  };
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown> & { code: number; msg: string };
  headers: Record<string, string | string[] | number | undefined>;
}

/** A thin client over app.inject for one user: JSON in, parsed JSON out. */
export function client(t: TestApp, user: TestUser, clock: () => number = Date.now) {
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<ApiResult> => {
    const res = await t.app.inject({
      method,
      url,
      headers: { ...authHeaders(user), 'x-date': formatXDate(clock()), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
    });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };
  return {
    call,
    /** The headers of this user, now. */
    headers: (): Record<string, string> => ({ ...authHeaders(user), 'x-date': formatXDate(clock()) }),
    createAlbum: (body: unknown) => call('POST', '/koodrive/ose/v1/album/create', body),
    updateAlbum: (id: string, body: unknown) => call('POST', `/koodrive/ose/v1/${id}/update`, body),
    deleteAlbum: (id: string) => call('DELETE', `/koodrive/ose/v1/album/${id}`),
    listAlbums: (query: string) => call('GET', `/koodrive/ose/v1/album/list?${query}`),
    mkdir: async (fileName: string, parent = 'root', extra: Record<string, unknown> = {}) => {
      const r = await call('POST', '/koodrive/ose/v1/directory', { fileName, parentFolder: [parent], containerId: user.containerId, ...extra });
      return r;
    },
    upload: async (fileName: string, body: Buffer | string, parent = 'root', query: Record<string, string> = {}): Promise<ApiResult> => {
      const q = new URLSearchParams({ fileName, containerId: user.containerId, parentFolder: parent, ...query });
      const res = await t.app.inject({
        method: 'POST',
        url: `/koodrive/ose/v1/files/upload?${q.toString()}`,
        headers: { ...authHeaders(user), 'x-date': formatXDate(clock()), 'content-type': 'application/octet-stream' },
        payload: body,
      });
      return { status: res.statusCode, body: res.json(), headers: res.headers };
    },
    job: (taskType: number, fileIds: string[], extra: Record<string, unknown> = {}, taskInfo: Record<string, unknown> = {}) =>
      call('POST', '/koodrive/ose/v1/jobs', {
        taskType,
        taskInfo: { fileInfo: fileIds.map((fileId) => ({ fileId })), srcContainerId: user.containerId, ...taskInfo },
        dstContainerId: user.containerId,
        ...extra,
      }),
    list: (type: 0 | 1, body: Record<string, unknown> = {}) => call('POST', `/koodrive/ose/v1/files/${type}`, { containerId: user.containerId, ...body }),
    folder: async (fileName: string, parent = 'root'): Promise<string> => {
      const r = await call('POST', '/koodrive/ose/v1/directory', { fileName, parentFolder: [parent], containerId: user.containerId });
      if (r.status !== 200) throw new Error(`mkdir ${fileName}: ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
  };
}

/** Asserts a catalogue failure: HTTP status and code. */
export function expectError(r: ApiResult, status: number, code: number): void {
  if (r.status !== status || r.body.code !== code) {
    throw new Error(`expected ${status}/${code}, got ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export type Api = ReturnType<typeof client>;

/** A fresh app and one user for a suite: made before its tests, closed after them. */
export function appForSuite(assign: (s: { t: TestApp; u: TestUser; api: Api }) => void, deps: { now?: () => number } = {}): void {
  let app: TestApp | undefined;
  before(async () => {
    app = await startTestApp({}, deps);
    const user = await app.newUser();
    assign({ t: app, u: user, api: client(app, user) });
  });
  after(() => app?.close());
}
