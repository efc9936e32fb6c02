import { kooDriveHeaders } from './headers.js';
import { loadSession, saveSession, type Session } from './session.js';
import type { AlbumList, ContentPage, Downloads, LoginResult, RefreshResult } from './types.js';

/**
 * The gallery's only door to albumd: the public KooDrive API, with the headers of every call, the
 * token refreshed before it expires (one refresh in flight however many calls wait), and a session
 * that ends in words, not silence.
 */

const V1 = '/koodrive/ose/v1';
/** When to refresh: a minute before the token stops working, or at 80 % of a short life. */
export function refreshTime(issuedAt: number, expiresInSeconds: number): number {
  const life = expiresInSeconds * 1000;
  return issuedAt + life - Math.min(60_000, life * 0.2);
}

/** A refusal from the API, with its catalogue code and its message (already in the user's language). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The session is over (signed out, or the refresh token was refused): sign in again. */
export class SignedOut extends ApiError {
  constructor(message = 'Please sign in.') {
    super(401, 13001001, message);
    this.name = 'SignedOut';
  }
}

export interface ClientOptions {
  /** Origin of the API; '' for the page's own. */
  base?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** The browser's language (navigator.language): the API answers in Chinese for zh. */
  language?: string;
  /** Where the session is kept; none keeps it in memory only. */
  storage?: Storage;
  /** Called once when the session ends, so the page can show the sign-in form. */
  onSignedOut?: () => void;
}

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT';

export function createClient(options: ClientOptions = {}) {
  const base = options.base ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const language = options.language ?? 'en';
  let session: Session | undefined = options.storage ? loadSession(options.storage) : undefined;
  let refreshing: Promise<Session> | undefined;
  // The server's clock minus ours, learnt from its Date header: X-Date must be the server's now.
  let skew = 0;

  const keep = (next: Session | undefined): void => {
    session = next;
    if (options.storage) saveSession(next, options.storage);
  };

  const learnClock = (res: Response): void => {
    const date = Date.parse(res.headers.get('date') ?? '');
    // Date has whole seconds: only a clock clearly off is corrected.
    if (Number.isFinite(date) && Math.abs(date - now() - skew) > 10_000) skew = date - now();
  };

  const endSession = (): void => {
    const had = session !== undefined;
    keep(undefined);
    if (had) options.onSignedOut?.();
  };

  async function readEnvelope(res: Response): Promise<Record<string, unknown> & { code: number; msg: string }> {
    try {
      return (await res.json()) as Record<string, unknown> & { code: number; msg: string };
    } catch {
      return { code: 13000201, msg: `${res.status} ${res.statusText}` };
    }
  }

  async function send(method: Method, path: string, body: unknown, current: Session | undefined, extra: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { ...extra };
    if (current) Object.assign(headers, kooDriveHeaders(current, now() + skew, language));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(`${base}${V1}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    learnClock(res);
    return res;
  }

  /** One refresh at a time: every call that finds the token old waits for the same one. */
  function refresh(): Promise<Session> {
    refreshing ??= (async () => {
      const current = session;
      if (!current) throw new SignedOut();
      const res = await send('POST', '/auth/refreshToken', { refreshToken: current.refreshToken }, undefined, {});
      const body = await readEnvelope(res);
      if (res.status !== 200 || body.code !== 0) {
        if (res.status === 401 || res.status === 400) endSession();
        throw new SignedOut(body.msg);
      }
      const data = (body as unknown as RefreshResult).data;
      const next = { ...current, accessToken: data.accessToken, refreshToken: data.refreshToken, refreshAt: refreshTime(now(), data.expiresIn) };
      keep(next);
      return next;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  /** A KooDrive call with the session's headers; the envelope's payload, or an ApiError. */
  async function call<T>(method: Method, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    let current = session;
    if (!current) throw new SignedOut();
    if (now() >= current.refreshAt) current = await refresh();
    let res = await send(method, path, body, current, extra);
    let answer = await readEnvelope(res);
    // A token refused (revoked, expired early) or a date off: refresh or resynchronise once, then retry.
    if (res.status === 401 && (answer.code === 13001001 || answer.code === 13001003)) {
      current = answer.code === 13001001 ? await refresh() : current;
      res = await send(method, path, body, current, extra);
      answer = await readEnvelope(res);
      if (res.status === 401) {
        endSession();
        throw new SignedOut(answer.msg);
      }
    }
    if (res.status !== 200 || answer.code !== 0) throw new ApiError(res.status, answer.code, answer.msg);
    return answer as T;
  }

  /**
   * The headers of one call, for requests the client does not make itself (an upload whose progress
   * an XMLHttpRequest reports): the token refreshed first when it is due.
   */
  async function headersForCall(): Promise<Record<string, string>> {
    let current = session;
    if (!current) throw new SignedOut();
    if (now() >= current.refreshAt) current = await refresh();
    return kooDriveHeaders(current, now() + skew, language);
  }

  return {
    get session(): Session | undefined {
      return session;
    },

    async login(account: string, password: string): Promise<Session> {
      const res = await send('POST', '/auth/login', { account, authType: '1', password }, undefined, { language: language.startsWith('zh') ? 'zh_cn' : 'en_us' });
      const body = await readEnvelope(res);
      if (res.status !== 200 || body.code !== 0) throw new ApiError(res.status, body.code, body.msg);
      const { userInfo, sessionInfo } = (body as unknown as LoginResult).data;
      const next: Session = {
        userId: userInfo.userId,
        name: userInfo.firstname || userInfo.phone,
        accessToken: sessionInfo.accessToken,
        refreshToken: sessionInfo.refreshToken,
        refreshAt: refreshTime(now(), sessionInfo.expiresIn),
      };
      keep(next);
      return next;
    },

    async logout(): Promise<void> {
      const current = session;
      if (!current) return;
      try {
        await call('POST', '/auth/logout', { userId: current.userId, accessToken: current.accessToken });
      } finally {
        keep(undefined);
      }
    },

    call,
    refresh,
    headersForCall,
    /** What a refused or failed answer says, for requests made outside `call`. */
    readEnvelope,

    albums: (albumKind: 1 | 2, albumType: 1 | 2, pageNum = 1, pageSize = 100) =>
      call<AlbumList>('GET', `/album/list?albumKind=${albumKind}&albumType=${albumType}&pageNum=${pageNum}&pageSize=${pageSize}`),

    content: (albumId: string, query: { pageSize?: number; pageCursor?: string; sortType?: number; sortDirection?: number }) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
      return call<ContentPage>('GET', `/album/${encodeURIComponent(albumId)}/list?${q}`);
    },

    downloads: (containerId: string, fileIds: string[], shareFolderId?: string) =>
      call<Downloads>('POST', '/files/download', { containerId, fileIds }, shareFolderId ? { 'x-hw-share-folder-id': shareFolderId } : {}),
  };
}

export type Client = ReturnType<typeof createClient>;
