import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ApiError, Interrupted, sleep, Unreachable, type ImportClient } from './client.js';
import type { ImportState } from './state.js';
import type { LocalFile } from './walk.js';
import { giveBack, takeBuffer } from './buffers.js';

/**
 * One file into albumd: its sha256 computed in the one read the import makes of an unchanged file,
 * then the three-step upload asked with that sha256 and length first — a file albumd already holds
 * is a rapid upload and costs no bytes — else each part PUT streamed again from disk, then
 * `files/complete`. An upload that is given up is abandoned on the server at once (`files/abort`),
 * and recorded in the state before its first byte, so a run that dies has it given up by the next.
 * Nothing half-sent is ever a file: only a complete whose length and sha256 match makes one.
 */

/** A problem with the local file (unreadable, vanished, changed while read): this file fails, the run goes on. */
export class FileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileProblem';
  }
}

export const MULTIPART_ABOVE = 8 * 1024 * 1024;
const PART_ATTEMPTS = 4;
const URL_MARGIN_MS = 5 * 60_000;

function fileError(error: unknown, when: string): FileProblem {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new FileProblem(`vanished ${when}`);
  if (code === 'EACCES' || code === 'EPERM') return new FileProblem('cannot read: permission denied');
  if (code === 'EISDIR') return new FileProblem('is now a folder');
  if (code === 'EIO') return new FileProblem(`input/output error ${when}`);
  if (code === 'ESHORT') return new FileProblem(`got shorter ${when}`);
  return new FileProblem(`cannot read: ${(error as Error).message}`);
}

export interface Hashed {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** The sha256 of a file in one streamed read, checked to be the file it was from start to end. */
export async function hashFile(abs: string, onRead: (bytes: number) => void = () => undefined, signal?: AbortSignal): Promise<Hashed> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(abs, 'r');
  } catch (error) {
    throw fileError(error, 'before it could be read');
  }
  try {
    const before = await handle.stat();
    const hash = createHash('sha256');
    // One buffer for the whole file, refilled, and kept for the next: no garbage per chunk or file.
    const buffer = takeBuffer();
    let read = 0;
    try {
      for (;;) {
        if (signal?.aborted) throw new Interrupted();
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, read);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        read += bytesRead;
        onRead(bytesRead);
      }
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      throw fileError(error, 'while being read');
    } finally {
      giveBack(buffer);
    }
    // Unlinked while open, the bytes stay readable: the name is what must still be there (and,
    // being the same file, its size and mtime are the open file's).
    const now = await fs.promises.stat(abs).catch((error: unknown) => {
      throw fileError(error, 'while being read');
    });
    if (now.ino !== before.ino || now.dev !== before.dev) throw new FileProblem('was replaced while being read');
    if (read !== before.size || now.size !== before.size || now.mtimeMs !== before.mtimeMs) throw new FileProblem('changed while being read');
    return { sha256: hash.digest('hex'), size: read, mtimeMs: Math.trunc(before.mtimeMs) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export interface Target {
  containerId: string;
  folderId: string;
}

export interface Uploaded {
  fileId: string;
  fileName: string;
  ownerId: string;
  fileType: string;
  rapid: boolean;
  /** albumd could not read the bytes as the media they claim (README "Photos and videos"). */
  mediaError?: string | undefined;
}

export interface UploadOptions {
  signal?: AbortSignal | undefined;
  /** Bytes sent so far for this file (parts that are re-sent count again). */
  onSent?: (delta: number) => void;
  multipartAbove?: number;
}

const expiresAt = (url: string): number => Number(new URL(url, 'http://x').searchParams.get('exp') ?? 0);

function refusal(status: number, text: string): Error {
  try {
    const body = JSON.parse(text) as { code?: unknown; msg?: unknown };
    if (typeof body.code === 'number' && typeof body.msg === 'string') return new ApiError(status, body.code, body.msg);
  } catch {
    // Not JSON (a proxy's page): the status is all there is.
  }
  return new ApiError(status, 13000201, status === 0 ? 'the connection failed while sending the file' : `HTTP ${status}`);
}

/** Whether the file on disk is still what was hashed. */
async function unchangedSince(file: LocalFile, hashed: Hashed): Promise<void> {
  const now = await fs.promises.stat(file.abs).catch((error: unknown) => {
    throw fileError(error, 'while being uploaded');
  });
  if (now.size !== hashed.size || Math.trunc(now.mtimeMs) !== hashed.mtimeMs) throw new FileProblem('changed while being uploaded; the upload was given up (run again to send the new version)');
}

export async function uploadFile(client: ImportClient, state: ImportState, target: Target, file: LocalFile, fileName: string, hashed: Hashed, options: UploadOptions = {}): Promise<Uploaded> {
  const { signal } = options;
  const created = await client.createUpload({
    fileName,
    containerId: target.containerId,
    parentFolder: [target.folderId],
    length: hashed.size,
    sha256: hashed.sha256,
    uploadMode: hashed.size > (options.multipartAbove ?? MULTIPART_ABOVE) ? 'multipart' : 'put',
    // Without a shooting time in the bytes albumd uses createdTime: the file's date beats the upload's.
    createdTime: new Date(hashed.mtimeMs).toISOString(),
    renameMode: 2,
  });
  if (created.rapidUpload) {
    options.onSent?.(0);
    return { fileId: created.fileId, fileName: created.fileName, ownerId: created.ownerId ?? client.userId, fileType: created.fileType ?? '', rapid: true, mediaError: created.mediaError };
  }

  state.addPending({ rel: file.rel, fileId: created.fileId, uploadId: created.uploadId });
  const parts = [...created.multiParts].sort((a, b) => a.partNumber - b.partNumber);
  const renew = async (from: number): Promise<void> => {
    const fresh = await client.uploadUrls({ fileId: created.fileId, uploadId: created.uploadId, containerId: target.containerId, multiParts: parts.slice(from).map((p) => ({ partNumber: p.partNumber })) });
    for (const p of fresh.multiParts) {
      const known = parts.find((q) => q.partNumber === p.partNumber);
      if (known) known.uploadUrl = p.uploadUrl;
    }
  };

  try {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      let renewed = false;
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw new Interrupted();
        if (expiresAt(part.uploadUrl) && expiresAt(part.uploadUrl) - Date.now() < URL_MARGIN_MS) await renew(i);
        let reported = 0;
        const res = await client
          .putPart(part.uploadUrl, file.abs, part.partOffset, part.partSize, (sent) => {
            options.onSent?.(sent - reported);
            reported = sent;
          }, signal)
          .catch((error: unknown) => {
            throw error instanceof Interrupted ? error : fileError(error, 'while being uploaded');
          });
        if (res.status === 200) break;
        options.onSent?.(-reported);
        // A URL refused as expired (clocks disagree, a slow part): signed again, once.
        if (res.status === 401 && !renewed) {
          renewed = true;
          await renew(i);
          continue;
        }
        if ((res.status === 0 || res.status >= 500) && attempt < PART_ATTEMPTS) {
          await sleep(500 * 2 ** attempt, signal);
          continue;
        }
        // Still no answer after the retries: the server is gone, not this file's fault.
        if (res.status === 0) throw new Unreachable(client.server, 'the connection failed while sending a file');
        throw refusal(res.status, res.text);
      }
    }
    if (signal?.aborted) throw new Interrupted();
    await unchangedSince(file, hashed);
    const done = await client.complete({ fileId: created.fileId, uploadId: created.uploadId, containerId: target.containerId });
    state.settled(created.uploadId);
    return { fileId: done.id, fileName: done.fileName, ownerId: done.ownerId, fileType: done.fileType, rapid: false, mediaError: done.mediaError };
  } catch (error) {
    // Given up: its parts go and its bytes stop counting against the quota now, not in 24 h. A
    // complete that got through makes this a 13000309, which settles it as well.
    await giveUp(client, state, created.fileId, created.uploadId);
    throw error;
  }
}

/** `files/abort`, best effort; the state forgets the upload once the server did (or never knew it). */
export async function giveUp(client: ImportClient, state: ImportState, fileId: string, uploadId: string): Promise<boolean> {
  try {
    await client.abort({ fileId, uploadId });
    state.settled(uploadId);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === 13000309) {
      state.settled(uploadId);
      return true;
    }
    return false;
  }
}
