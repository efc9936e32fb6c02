import type { Readable } from 'node:stream';
import { createFsBlobStore } from './fs-blob-store.js';

/** Content received and hashed, held under a temporary name until it is committed or discarded. */
export interface TempBlob {
  readonly sha256: string;
  readonly size: number;
  /** A local path holding the bytes, for probing media before commit. */
  readonly path: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * Content-addressed storage: each content is kept once, under its sha256. Writes stream (memory
 * stays flat) and become durable before the database commit that references them.
 */
export interface BlobStore {
  /**
   * Streams `source` to a temporary blob, hashing on the way; refuses more than `maxBytes`.
   * With `holdFor` (an upload ID) it is a part kept with that upload (until it completes or expires).
   */
  receive(source: Readable, maxBytes: number, holdFor?: string): Promise<TempBlob>;
  /** Resolves once every receive under way has ended (a cut one having removed its partial file). */
  settled(): Promise<void>;
  /** Removes every part kept for an upload. */
  discardUpload(uploadId: string): Promise<void>;
  /** Joins temporary blobs (upload parts) into one, in order, hashing on the way. */
  concat(parts: readonly TempBlob[]): Promise<TempBlob>;
  /**
   * Makes the content durable under its sha256; true when this stored it anew (false: it was there
   * already). A kept upload part stays where it is (linked, not moved), so a complete cut short by a
   * crash can be done again from the same parts.
   */
  commit(temp: TempBlob): Promise<boolean>;
  discard(temp: TempBlob): Promise<void>;
  exists(sha256: string): Promise<boolean>;
  /** The stored bytes, or a range of them. */
  read(sha256: string, range?: ByteRange): Readable;
  /** A local path of stored content, for decoders that need a file. */
  localPath(sha256: string): string;
  remove(sha256: string): Promise<void>;
  /** Size and last write of stored content; undefined when there is none. */
  stat(sha256: string): Promise<StoredBlob | undefined>;
  /**
   * Every stored content in ascending sha256 order (so it can be merged with the database's rows in
   * one pass), streamed: memory stays flat whatever the store's size.
   */
  list(): AsyncIterable<StoredBlob & { sha256: string }>;
  /** Every upload's kept parts, streamed: the part keys are those `receive` returned as `path`. */
  listUploads(): AsyncIterable<{ uploadId: string; mtimeMs: number; parts: string[] }>;
  /** Removes temporary files last written before `before` (epoch ms): abandoned receives. */
  cleanTemp(before: number): Promise<number>;
  /**
   * Keeps every stored content while the pin lives, for another process that reads the store (a
   * backup): a sweep removes no bytes while any live pin exists. A pin lives while its holder keeps
   * it refreshed (it does so itself) and is released; one left by a killed holder lapses.
   */
  pin(holder: string): Promise<BlobPin>;
  /** Whether a live pin exists. */
  pinned(): Promise<boolean>;
}

export interface BlobPin {
  release(): Promise<void>;
}

export interface StoredBlob {
  size: number;
  /** Last written (epoch ms): content younger than the sweep's grace period is never removed. */
  mtimeMs: number;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`content exceeds ${maxBytes} bytes`);
  }
}

export function createBlobStore(dataDir: string): BlobStore {
  return createFsBlobStore(dataDir);
}
