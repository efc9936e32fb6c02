import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { agentFetch } from './agent-fetch.js';
import { giveBack, takeBuffer } from './buffers.js';
import { ApiError, createClient, SignedOut, type Client } from '../../web/src/lib/api.js';
import type { Session } from '../../web/src/lib/session.js';
import type {
  AbortUpload,
  AddContent,
  AlbumList,
  CompleteUpload,
  CreateAlbum,
  CreateAlbumResult,
  CreateDirectory,
  CreateUpload,
  CreateUploadResult,
  DriveFile,
  FamilyMetadata,
  FileList,
  FileResult,
  Job,
  ListFiles,
  MediaFileResult,
  SpaceInfo,
  UpdateAlbum,
  UploadUrls,
  UploadUrlsResult,
} from '../../web/src/lib/types.js';

/**
 * The import's door to albumd: its public HTTP API only, so it works against a server elsewhere.
 * It is the web gallery's own client (web/src/lib/api.ts: KooDrive headers per call, the token
 * refreshed before it expires, the server's clock learnt from its Date header) with the types of
 * web/src/lib/types.ts (the server's TypeBox schemas). That client runs on Node 20 as it is — it
 * needs only fetch and crypto.getRandomValues, and touches localStorage only when given a storage —
 * so what is added here is only what a long unattended run needs: a time limit per call, network
 * failures in words ("connection refused"), retries of calls that are safe to repeat, and the part
 * PUTs, streamed from disk through node:http (fetch cannot send a Content-Length with a stream).
 */

export { ApiError };

/** albumd cannot be reached (refused, reset, timed out): the run stops and says so. */
export class Unreachable extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(`cannot reach albumd at ${server}: ${reason}`);
    this.name = 'Unreachable';
  }
}

/** The session ended (a token given with --token expired or was revoked; a refresh refused). */
export class SessionEnded extends Error {
  constructor(message: string) {
    super(`the session ended: ${message}; sign in again (run the same command again to continue)`);
    this.name = 'SessionEnded';
  }
}

/** The run was stopped (Ctrl-C). */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

const CALL_TIMEOUT_MS = 5 * 60_000;
const PUT_IDLE_MS = 60_000;

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** What a failed connection was, in words. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as { code?: string }).code ?? (error as { code?: string }).code;
  const name = (error as Error).name;
  if (name === 'TimeoutError') return `no answer within ${CALL_TIMEOUT_MS / 1000} s`;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is albumd running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'the connection was cut (the server stopped or restarted?)';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    default:
      return (cause as Error).message || String(cause);
  }
}

/** A keyless in-memory Storage: how a session from --token is handed to the gallery's client. */
export class MemoryStorage {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  key(i: number): string | null {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

export interface Credentials {
  phone?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  userId?: string | undefined;
}

export interface PutResult {
  /** 0: no answer (network). */
  status: number;
  text: string;
}

export class ImportClient {
  /** The family's share-folder ID: sent as x-hw-share-folder-id on the calls about files. */
  shareFolderId: string | undefined;

  private constructor(
    readonly server: string,
    private readonly api: Client,
    private readonly signal: AbortSignal | undefined,
    private readonly agent: http.Agent,
  ) {}

  /** Signs in (phone and password) or takes a token; either way one first call proves it works. */
  static async connect(server: string, credentials: Credentials, signal?: AbortSignal): Promise<ImportClient> {
    const storage = new MemoryStorage();
    const agent = server.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    // API calls are short and not cut by Ctrl-C: the run stops between them, and the uploads it
    // gives up on the way out (files/abort) still need a working client.
    const callOverAgent = agentFetch(agent, CALL_TIMEOUT_MS);
    const doFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      try {
        return await callOverAgent(input, init);
      } catch (error) {
        throw new Unreachable(server, networkReason(error));
      }
    };
    if (credentials.token) {
      const token = /^AT[ +]/.test(credentials.token) ? credentials.token.replace(/^AT\+/, 'AT ') : `AT ${credentials.token}`;
      // No refresh token: the client keeps the token until it is refused, then the session ends.
      const session: Session = { userId: credentials.userId ?? '', name: '', accessToken: token, refreshToken: '-', refreshAt: Number.MAX_SAFE_INTEGER };
      storage.setItem('albumd.session', JSON.stringify(session));
    }
    const api = createClient({ base: server, fetch: doFetch, language: 'en', storage: storage as unknown as Storage });
    const client = new ImportClient(server, api, signal, agent);
    if (!credentials.token) {
      try {
        await api.login(credentials.phone ?? '', credentials.password ?? '');
      } catch (error) {
        if (error instanceof ApiError) throw new LoginRefused(error.message);
        throw error;
      }
    }
    return client;
  }

  get userId(): string {
    return this.api.session?.userId ?? '';
  }

  /**
   * One call; `retry` when repeating it is harmless (reads, complete, abort, re-adding to an album):
   * then a network failure is retried for about 8 s (a server restarting) before the run stops.
   * A 429 (rate limit, or writes colliding) is always waited out: the request was refused whole.
   */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, options: { files?: boolean; retry?: boolean } = {}): Promise<T> {
    const extra: Record<string, string> = options.files && this.shareFolderId ? { 'x-hw-share-folder-id': this.shareFolderId } : {};
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.api.call<T>(method, path, body, extra);
      } catch (error) {
        if (error instanceof SignedOut) throw new SessionEnded(error.message);
        if (error instanceof ApiError && error.status === 429 && attempt < 10) {
          await sleep(Math.min(8000, 250 * 2 ** attempt), this.signal);
          if (this.signal?.aborted) throw new Interrupted();
          continue;
        }
        if (error instanceof Unreachable && options.retry && attempt < 5) {
          await sleep(500 * 2 ** (attempt - 1), this.signal);
          if (this.signal?.aborted) throw new Interrupted();
          continue;
        }
        throw error;
      }
    }
  }

  spaceInfo(): Promise<SpaceInfo> {
    return this.call<SpaceInfo>('GET', `/space/${encodeURIComponent(this.userId)}?type=1`, undefined, { retry: true });
  }

  familyMetadata(shareFolderId: string): Promise<FamilyMetadata> {
    return this.call<FamilyMetadata>('GET', `/sharefolder/metadata/${encodeURIComponent(shareFolderId)}`, undefined, { retry: true });
  }

  /** Every child of a folder (folders and files), all pages. */
  async listFolder(containerId: string, folderId: string): Promise<DriveFile[]> {
    const out: DriveFile[] = [];
    let cursor = '';
    for (;;) {
      const body: ListFiles = { containerId, parentFileId: folderId, pageInfo: { pageSize: 100, ...(cursor ? { pageCursor: cursor } : {}) }, sortInfo: { sortType: 1, sortDirection: 1 } };
      const page = await this.call<FileList>('POST', '/files/0', body, { files: true, retry: true });
      out.push(...page.files);
      if (!page.nextPageCursor) return out;
      cursor = page.nextPageCursor;
    }
  }

  /** A folder; renameMode 3, so a name taken meanwhile is a 13000405 (the caller looks again). */
  async mkdir(containerId: string, parentId: string, name: string): Promise<FileResult> {
    const body: CreateDirectory = { fileName: name, parentFolder: [parentId], containerId, renameMode: 3 };
    return this.call<FileResult>('POST', '/directory', body, { files: true });
  }

  /** Not retried after a network failure: a rapid upload might have been made; the next run finds it. */
  createUpload(body: CreateUpload): Promise<CreateUploadResult> {
    return this.call<CreateUploadResult>('POST', '/files/create', body, { files: true });
  }

  uploadUrls(body: UploadUrls): Promise<UploadUrlsResult> {
    return this.call<UploadUrlsResult>('POST', '/files/multipart/uploadUrl', body, { files: true, retry: true });
  }

  /** A complete repeated after a lost answer gets the same file (decisions §6): retried. */
  complete(body: CompleteUpload): Promise<MediaFileResult> {
    return this.call<MediaFileResult>('POST', '/files/complete', body, { files: true, retry: true });
  }

  async abort(body: AbortUpload): Promise<void> {
    await this.call('POST', '/files/abort', body, { files: true, retry: true });
  }

  rename(containerId: string, fileId: string, name: string): Promise<FileResult> {
    return this.call<FileResult>('POST', `/files/rename/${encodeURIComponent(fileId)}`, { containerId, name, renameMode: 3 }, { files: true });
  }

  /** To the recycle bin (taskType 2, actionType 201): restorable until the bin is emptied. */
  async recycle(containerId: string, fileIds: string[]): Promise<void> {
    const job: Job = { taskType: 2, actionType: 201, taskInfo: { fileInfo: fileIds.map((fileId) => ({ fileId })), srcContainerId: containerId }, dstContainerId: containerId };
    await this.call('POST', '/jobs', job, { files: true });
  }

  async listAlbums(albumKind: 1 | 2, albumType: 1 | 2, groupId?: string): Promise<AlbumList['albumList']> {
    const out: AlbumList['albumList'] = [];
    for (let pageNum = 1; ; pageNum++) {
      const q = new URLSearchParams({ albumKind: String(albumKind), albumType: String(albumType), pageNum: String(pageNum), pageSize: '100' });
      if (groupId) q.set('groupId', groupId);
      const page = await this.call<AlbumList>('GET', `/album/list?${q}`, undefined, { retry: true });
      out.push(...page.albumList);
      if (page.albumList.length < 100 || out.length >= page.total) return out;
    }
  }

  createAlbum(body: CreateAlbum): Promise<CreateAlbumResult> {
    return this.call<CreateAlbumResult>('POST', '/album/create', body);
  }

  async updateAlbum(albumId: string, body: UpdateAlbum): Promise<void> {
    await this.call('POST', `/album/${encodeURIComponent(albumId)}/update`, body, { retry: true });
  }

  /** 1–100 files; re-adding one already there adds nothing, so it may be repeated. */
  async addToAlbum(albumId: string, body: AddContent): Promise<void> {
    await this.call('POST', `/album/${encodeURIComponent(albumId)}/add`, body, { retry: true });
  }

  /**
   * PUT `size` bytes of `abs` from `offset` to a signed part URL, streamed from disk (never the
   * whole file in memory). Resolves with the status (0 when no answer came); rejects only when the
   * file cannot be read (vanished, unreadable) or the run is interrupted.
   */
  putPart(url: string, abs: string, offset: number, size: number, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<PutResult> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Interrupted());
      const target = new URL(url, this.server);
      const lib = target.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = lib.request(target, {
        method: 'PUT',
        agent: this.agent,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      });
      const onAbort = (): void => {
        req.destroy();
        finish(() => reject(new Interrupted()));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.setTimeout(PUT_IDLE_MS, () => req.destroy(new Error('no progress for 60 s')));
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text })));
        res.on('error', () => finish(() => resolve({ status: 0, text: '' })));
      });
      req.on('error', () => finish(() => resolve({ status: 0, text: '' })));
      // The part read from disk into one buffer, refilled once the socket took the last chunk:
      // never more than 1 MiB of the file in memory, and no garbage per chunk (nor per file: the
      // buffer goes back for the next one, unless a write it was given may still be pending).
      const fromFile = <T>(p: Promise<T>): Promise<T> => p.catch((error: unknown) => Promise.reject(new FileReadError(error)));
      const send = async (): Promise<void> => {
        const handle = await fromFile(fs.promises.open(abs, 'r'));
        try {
          const buffer = takeBuffer();
          let sent = 0;
          while (sent < size && !settled) {
            const { bytesRead } = await fromFile(handle.read(buffer, 0, Math.min(buffer.length, size - sent), offset + sent));
            if (bytesRead === 0) throw new FileReadError(Object.assign(new Error('the file is shorter than when it was read'), { code: 'ESHORT' }));
            await new Promise<void>((done, failed) => req.write(buffer.subarray(0, bytesRead), (error) => (error ? failed(error) : done())));
            sent += bytesRead;
            onProgress(sent);
          }
          giveBack(buffer);
          if (!settled) req.end();
        } finally {
          await handle.close().catch(() => undefined);
        }
      };
      send().catch((error: unknown) => {
        req.destroy();
        // A file that failed is this file's problem; a socket that failed is the server's side.
        if (error instanceof FileReadError) finish(() => reject(error.cause));
        else finish(() => resolve({ status: 0, text: '' }));
      });
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Reading the local file failed while sending it (its `cause` is the fs error). */
class FileReadError extends Error {
  constructor(override readonly cause: unknown) {
    super((cause as Error).message);
  }
}

/** The phone number or password was refused. */
export class LoginRefused extends Error {
  constructor(message: string) {
    super(`sign-in refused: ${message}`);
    this.name = 'LoginRefused';
  }
}
