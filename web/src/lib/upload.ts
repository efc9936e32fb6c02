import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ApiError, type Client } from './api.js';
import { shareHeader } from './drive.js';
import type { AbortUpload, CompleteUpload, CreateUpload, CreateUploadResult, MediaFileResult, UploadUrls, UploadUrlsResult } from './types.js';
import { w } from './words/library.js';

/**
 * One file into a folder through the public three-step upload: its sha256 first (read in chunks,
 * never the whole file in memory), then `files/create` — which answers at once when albumd already
 * holds that content (rapid upload: no bytes sent) — then each part PUT to its signed URL, then
 * `files/complete`. Every file takes this path, small ones too, so that a photo uploaded twice is
 * recognised; the threshold only decides between one PUT and 8 MiB parts that can be retried alone.
 */

export interface UploadTarget {
  containerId: string;
  /** The family's share-folder ID; none for the personal space. */
  shareFolderId?: string | undefined;
  /** A folder ID, or 'root'. */
  folderId: string;
}

export interface Progress {
  /** reading: hashing the file; sending: its bytes; finishing: albumd checks and stores it. */
  phase: 'reading' | 'sending' | 'finishing';
  loaded: number;
  total: number;
}

export interface Uploaded {
  fileId: string;
  /** The name albumd gave it (a taken name becomes "name (1).ext"). */
  fileName: string;
  rapid: boolean;
}

export interface SendRequest {
  url: string;
  body: Blob;
  onprogress: (loaded: number) => void;
  signal?: AbortSignal | undefined;
}

/** status 0: the request never got an answer (network down, connection reset). */
export type Sender = (request: SendRequest) => Promise<{ status: number; text: string }>;

export interface UploadOptions {
  /** Files larger than this go in 8 MiB parts (`uploadMode: multipart`); others in one PUT. */
  multipartAbove?: number;
  /** How much of the file is read at a time while hashing. */
  readChunk?: number;
  send?: Sender;
  signal?: AbortSignal | undefined;
  onprogress?: (p: Progress) => void;
  /** Times for URL expiry checks and back-off (tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const MULTIPART_ABOVE = 8 * 1024 * 1024;
const READ_CHUNK = 4 * 1024 * 1024;
/** Fresh part URLs are asked for when one has less than this left (a part may take minutes). */
const URL_MARGIN_MS = 5 * 60_000;
/** Attempts per part when the network fails or albumd answers 5xx. */
const PART_ATTEMPTS = 4;

export class Cancelled extends Error {
  constructor() {
    super(w.cancelled);
    this.name = 'Cancelled';
  }
}

const stopIfCancelled = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new Cancelled();
};

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The hex sha256 of a file, read a chunk at a time. */
export async function sha256Of(file: Blob, options: Pick<UploadOptions, 'readChunk' | 'signal'> & { onread?: (loaded: number) => void } = {}): Promise<string> {
  const chunk = options.readChunk ?? READ_CHUNK;
  const hash = sha256.create();
  for (let at = 0; at < file.size; at += chunk) {
    stopIfCancelled(options.signal);
    const end = Math.min(file.size, at + chunk);
    hash.update(new Uint8Array(await file.slice(at, end).arrayBuffer()));
    options.onread?.(end);
  }
  return bytesToHex(hash.digest());
}

/** PUT through XMLHttpRequest: fetch cannot report upload progress. */
export const xhrSender: Sender = ({ url, body, onprogress, signal }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Cancelled());
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const end = () => signal?.removeEventListener('abort', abort);
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onprogress(e.loaded);
    xhr.onload = () => {
      end();
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => {
      end();
      resolve({ status: 0, text: '' });
    };
    xhr.onabort = () => {
      end();
      reject(new Cancelled());
    };
    xhr.send(body);
  });

/** A refusal from a signed URL, in the API's words (the envelope), or the status when there is none. */
function refusal(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { code?: unknown; msg?: unknown };
    if (typeof body.code === 'number' && typeof body.msg === 'string') return new ApiError(status, body.code, body.msg);
  } catch {
    // Not JSON (a proxy's error page): the status is all there is.
  }
  return new ApiError(status, 13000201, status === 0 ? w.network : `HTTP ${status}`);
}

const expiresAt = (url: string): number => Number(new URL(url, 'http://x').searchParams.get('exp') ?? 0);

interface Part {
  partNumber: number;
  partOffset: number;
  partSize: number;
  uploadUrl: string;
}

export async function uploadFile(api: Client, target: UploadTarget, file: Blob, fileName: string, options: UploadOptions = {}): Promise<Uploaded> {
  const { signal } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const send = options.send ?? xhrSender;
  const report = options.onprogress ?? (() => undefined);
  const headers = shareHeader(target);
  const total = file.size;

  report({ phase: 'reading', loaded: 0, total });
  const hash = await sha256Of(file, { readChunk: options.readChunk, signal, onread: (loaded) => report({ phase: 'reading', loaded, total }) });
  stopIfCancelled(signal);

  const lastModified = (file as Partial<File>).lastModified;
  const create: CreateUpload = {
    fileName,
    containerId: target.containerId,
    parentFolder: [target.folderId],
    length: total,
    sha256: hash,
    uploadMode: total > (options.multipartAbove ?? MULTIPART_ABOVE) ? 'multipart' : 'put',
    ...(file.type ? { mimeType: file.type } : {}),
    // Without EXIF, albumd takes a photo's time from createdTime: the file's own date beats the upload's.
    ...(lastModified ? { createdTime: new Date(lastModified).toISOString() } : {}),
  };
  const created = await api.call<CreateUploadResult>('POST', '/files/create', create, headers);
  if (created.rapidUpload) {
    report({ phase: 'sending', loaded: total, total });
    return { fileId: created.fileId, fileName: created.fileName, rapid: true };
  }

  const parts: Part[] = [...created.multiParts].sort((a, b) => a.partNumber - b.partNumber);
  const renew = async (from: number): Promise<void> => {
    const body: UploadUrls = { fileId: created.fileId, uploadId: created.uploadId, containerId: target.containerId, multiParts: parts.slice(from).map((p) => ({ partNumber: p.partNumber })) };
    const fresh = await api.call<UploadUrlsResult>('POST', '/files/multipart/uploadUrl', body, headers);
    for (const p of fresh.multiParts) {
      const known = parts.find((q) => q.partNumber === p.partNumber);
      if (known) known.uploadUrl = p.uploadUrl;
    }
  };

  try {
    let sent = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const body = file.slice(part.partOffset, part.partOffset + part.partSize);
      let renewed = false;
      for (let attempt = 1; ; attempt++) {
        stopIfCancelled(signal);
        if (expiresAt(part.uploadUrl) - now() < URL_MARGIN_MS) await renew(i);
        const res = await send({ url: part.uploadUrl, body, signal, onprogress: (loaded) => report({ phase: 'sending', loaded: sent + Math.min(loaded, part.partSize), total }) });
        if (res.status === 200) break;
        const error = refusal(res.status, res.text);
        // A URL refused as expired (the clocks disagree, or the part took long): sign again, once.
        if (res.status === 401 && !renewed) {
          renewed = true;
          await renew(i);
          continue;
        }
        if ((res.status === 0 || res.status >= 500) && attempt < PART_ATTEMPTS) {
          await sleep(500 * 2 ** attempt);
          continue;
        }
        throw error;
      }
      sent += part.partSize;
      report({ phase: 'sending', loaded: sent, total });
    }

    stopIfCancelled(signal);
    report({ phase: 'finishing', loaded: total, total });
    const complete: CompleteUpload = { fileId: created.fileId, uploadId: created.uploadId, containerId: target.containerId };
    // A complete repeated after a lost answer gets the same file (decisions §6): safe to retry.
    for (let attempt = 1; ; attempt++) {
      try {
        const done = await api.call<MediaFileResult>('POST', '/files/complete', complete, headers);
        return { fileId: done.id, fileName: done.fileName, rapid: false };
      } catch (error) {
        if (error instanceof ApiError || attempt >= PART_ATTEMPTS) throw error instanceof ApiError ? error : new Error(w.network);
        await sleep(500 * 2 ** attempt);
      }
    }
  } catch (error) {
    // Given up (cancelled, or failed for good): the upload's parts go and its bytes stop counting
    // against the quota now, not in 24 h. Best effort: a complete that got through makes it a no-op.
    const abort: AbortUpload = { fileId: created.fileId, uploadId: created.uploadId };
    void api.call('POST', '/files/abort', abort, headers).catch(() => undefined);
    throw error;
  }
}
