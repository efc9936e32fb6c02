import type { Store } from '../db/database.js';
import type { IdGenerator } from '../ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { MediaInfo } from '../media/probe.js';
import type { Signer } from './auth/signing.js';
import type { KeyedLock } from '../keyed-lock.js';
import type { Renderer } from '../media/thumbnails.js';
import type { WorkQueue } from '../media/work-queue.js';
import type { ThumbStore } from '../storage/thumb-store.js';

/** What every domain service is built from. */
export interface DomainDeps {
  store: Store;
  ids: IdGenerator;
  now: () => number;
  limits: { albumsPerOwner: number; itemsPerAlbum: number; membersPerFamily: number };
  xDateToleranceSeconds: number;
  accessTokenTtlSeconds: number;
  blobs: BlobStore;
  probe: (path: string) => Promise<MediaInfo>;
  signer: Signer;
  drive: { quotaBytes: number; maxFileSize: number };
  /** Per-sha256 lock: a blob is never removed while an upload commits the same content. */
  blobLocks: KeyedLock;
  thumbs: ThumbStore;
  renderer: Renderer;
  /** Thumbnail work, off the request path, with bounded concurrency. */
  thumbnailQueue: WorkQueue;
}

/** Who is asking, and the origin signed URLs in the answer should point at. */
export interface Caller {
  userId: string;
  origin: string;
}

const DAY_MS = 86_400_000;
const dayPrefixes = new Map<number, string>();
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * ISO-8601 UTC with milliseconds, as Date#toISOString writes it. A listing page formats three
 * hundred of these; the date part is remembered per day, the time part is arithmetic.
 */
export function iso(ms: number): string {
  if (!Number.isSafeInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const full = new Date(day * DAY_MS).toISOString();
    prefix = full.slice(0, full.indexOf('T') + 1);
    if (dayPrefixes.size >= 8192) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}
