import type { Store } from '../db/database.js';
import type { IdGenerator } from '../ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { MediaInfo } from '../media/probe.js';
import type { Signer } from './signing.js';
import type { KeyedLock } from './keyed-lock.js';
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

export const iso = (ms: number): string => new Date(ms).toISOString();
