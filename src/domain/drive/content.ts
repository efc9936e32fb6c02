import type { Readable } from 'node:stream';
import type { FileRow } from '../../db/repositories/index.js';
import type { ByteRange } from '../../storage/blob-store.js';
import { FileType } from '../../media/types.js';
import { fileVisibleTo } from '../access.js';
import type { Caller, DomainDeps } from '../context.js';
import { AppError, ErrorCode, inRecycleBin, invalidParam, notFound, unauthenticated } from '../errors.js';
import { inSpace, type SpaceRef } from './files.js';
import { resolveSpace } from './spaces.js';
import { signedUrl, verifySignedUrl, type SignedParams } from './urls.js';

export interface DownloadEntry {
  fileId: string;
  fileName: string;
  url: string;
  code: number;
}

export interface Content {
  file: FileRow;
  size: number;
  /** Present when a satisfiable range was asked for. */
  range?: ByteRange;
  open: (range?: ByteRange) => Readable;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range); null when unsatisfiable, undefined when absent or not one range. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

export function createContentService(deps: DomainDeps) {
  const { store, now, signer, blobs } = deps;

  /** The user behind a signed URL, checked again against what it may see now. */
  async function signedFile(kind: 'content' | 'thumbnail', fileId: string, q: SignedParams): Promise<FileRow> {
    const userId = verifySignedUrl(signer, kind, fileId, q, now());
    if (userId === undefined) throw unauthenticated();
    const row = await fileVisibleTo(store.read, userId, fileId);
    if (row.recycled !== 0) throw notFound();
    return row;
  }

  return {
    /** `files/download`: a signed URL per file; batchCode 1 all, 0 some, 2 none. */
    async downloadLinks(caller: Caller, ref: SpaceRef, fileIds: readonly string[]) {
      const space = await resolveSpace(store.read, caller.userId, ref);
      const out: DownloadEntry[] = [];
      const rows = new Map((await store.read.files.findMany(fileIds)).map((r) => [r.id, r]));
      for (const fileId of fileIds) {
        try {
          const row = inSpace(space, rows.get(fileId));
          if (row.file_type === FileType.Folder) throw invalidParam('fileIds', { en: 'a folder has no content to download', zh: '文件夹不能下载' });
          if (row.recycled !== 0) throw inRecycleBin();
          out.push({ fileId, fileName: row.name, url: signedUrl(signer, caller.origin, 'content', fileId, caller.userId, now()), code: 0 });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          out.push({ fileId, fileName: '', url: '', code: error.code });
        }
      }
      const ok = out.filter((d) => d.code === 0).length;
      return { batchCode: ok === out.length ? 1 : ok === 0 ? 2 : 0, downloads: out };
    },

    /** The bytes behind a signed download URL (access checked again at fetch time). */
    async content(fileId: string, q: SignedParams, rangeHeader: string | undefined): Promise<Content> {
      const file = await signedFile('content', fileId, q);
      if (file.sha256 === null) throw notFound();
      const size = Number(file.size);
      const range = parseRange(rangeHeader, size);
      if (range === null) throw new AppError(ErrorCode.InvalidParameter, { en: 'Range: not satisfiable', zh: 'Range：无法满足' }, undefined, 416);
      const sha = file.sha256;
      return { file, size, ...(range ? { range } : {}), open: (r) => blobs.read(sha, r) };
    },

    signedFile,
  };
}
