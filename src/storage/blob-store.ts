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
  /** Removes every part kept for an upload. */
  discardUpload(uploadId: string): Promise<void>;
  /** Joins temporary blobs (upload parts) into one, in order, hashing on the way. */
  concat(parts: readonly TempBlob[]): Promise<TempBlob>;
  /** Makes the temporary blob the stored content of its sha256 (fsync, rename, directory fsync). */
  commit(temp: TempBlob): Promise<void>;
  discard(temp: TempBlob): Promise<void>;
  exists(sha256: string): Promise<boolean>;
  /** The stored bytes, or a range of them. */
  read(sha256: string, range?: ByteRange): Readable;
  /** A local path of stored content, for decoders that need a file. */
  localPath(sha256: string): string;
  remove(sha256: string): Promise<void>;
  /** Every stored sha256 with its modification time (for the sweep). */
  list(): AsyncIterable<{ sha256: string; mtimeMs: number }>;
  /** Removes temporary files last written before `before` (epoch ms): abandoned receives. */
  cleanTemp(before: number): Promise<number>;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`content exceeds ${maxBytes} bytes`);
  }
}

export function createBlobStore(dataDir: string): BlobStore {
  return createFsBlobStore(dataDir);
}
