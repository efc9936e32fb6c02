import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { newFileId } from '../../ids.js';
import type { UploadPartRow, UploadRow } from '../../db/repositories/index.js';
import type { Caller, DomainDeps } from '../context.js';
import { AppError, ErrorCode, invalidParam, nameTaken, notFound, unauthenticated } from '../errors.js';
import { toFileObject, type FileObject, urlContext } from '../drive/file-view.js';
import { SHA256 } from '../drive/files.js';
import { parseTime } from '../drive/folders.js';
import { freeNameIn } from '../drive/free-name.js';
import { addContentFile, checkRoomFor, ingest, mediaOf, quotaLeft, receiveBody } from './ingest.js';
import { checkFileName, codePoints } from '../drive/names.js';
import { familySpaceByShareFolder, folderInSpace, resolveSpace, ROOT } from '../drive/spaces.js';
import { signedUrl, verifySignedUrl, type SignedParams } from '../drive/urls.js';
import { scheduleThumbnails } from './thumbnails.js';
import { KeyedLock } from '../../keyed-lock.js';
import { UserStatus } from '../auth/credentials.js';

export const PART_SIZE = 8 * 1024 * 1024;
export const PUT_MAX = 5 * 1024 ** 3;
const UPLOAD_TTL_MS = 24 * 3600_000;
const MAX_PARTS = 10_000;

export interface CreateUploadInput {
  fileName: string;
  containerId: string;
  shareFolderId?: string | undefined;
  parentFolder?: string | undefined;
  sha256?: string | undefined;
  length: number;
  uploadMode?: string | undefined;
  createdTime?: string | undefined;
  description?: string | undefined;
  renameMode?: number | undefined;
}

export interface PartInfo {
  partNumber: number;
  partOffset: number;
  partSize: number;
  uploadUrl: string;
}

const integrity = () => new AppError(ErrorCode.IntegrityFailed);

function partsOf(length: number, partSize: number): { partNumber: number; partOffset: number; partSize: number }[] {
  const count = Math.max(1, Math.ceil(length / partSize));
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    partOffset: i * partSize,
    partSize: Math.min(partSize, length - i * partSize),
  }));
}

/** The three-step upload: `files/create` → signed part URLs (PUT) → `files/complete`. */
export function createMultipartService(deps: DomainDeps) {
  const { store, now, signer, blobs } = deps;
  // Completes of one upload in this process wait for each other; the claim in the database decides.
  const completing = new KeyedLock();
  // One server process writes a SQLite database: a claim older than this process is from one that
  // stopped mid-complete (a crash, a cut shutdown), and the upload may be completed again.
  // (Several instances on one database will need claims tied to a live lease instead.)
  const startedAt = now();

  const partUrl = (caller: Caller, upload: UploadRow, partNumber: number): string =>
    signedUrl(signer, caller.origin, 'part', upload.file_id, caller.userId, now(), `${upload.id}:${partNumber}`);

  const withUrls = (caller: Caller, upload: UploadRow, numbers?: readonly number[]): PartInfo[] =>
    partsOf(Number(upload.length), Number(upload.part_size))
      .filter((p) => !numbers || numbers.includes(p.partNumber))
      .map((p) => ({ ...p, uploadUrl: partUrl(caller, upload, p.partNumber) }));

  /** An upload of the caller's that has not expired; else 13000309. */
  async function liveUpload(userId: string, fileId: string, uploadId: string): Promise<UploadRow> {
    const upload = await store.read.uploads.find(uploadId);
    if (!upload || upload.user_id !== userId || upload.file_id !== fileId || Number(upload.expires_at) <= now()) throw notFound();
    // A disabled (or deleted) user's part URLs stop with the account, as their other links do.
    const user = await store.read.users.findById(userId);
    if (!user || Number(user.status) !== UserStatus.Enabled) throw notFound();
    // Into a family space only while a member: a removed member's part URLs stop working at once.
    if (upload.share_folder_id !== null) await familySpaceByShareFolder(store.read, userId, upload.share_folder_id);
    return upload;
  }

  async function discard(upload: UploadRow): Promise<void> {
    await store.write((repos) => repos.uploads.delete(upload.id));
    await blobs.discardUpload(upload.id);
  }

  /** The claimed upload's parts, checked and joined, made a file. */
  async function assemble(caller: Caller, upload: UploadRow, parts: UploadPartRow[]): Promise<FileObject> {
    const expected = partsOf(Number(upload.length), Number(upload.part_size));
    const complete = parts.length === expected.length && expected.every((p, i) => parts[i]?.part_number === p.partNumber && Number(parts[i]!.size) === p.partSize);
    if (!complete) throw integrity();
    const pieces = parts.map((p) => ({ sha256: p.sha256, size: Number(p.size), path: p.path }));
    const temp = pieces.length === 1 ? pieces[0]! : await blobs.concat(pieces);
    // The upload's row goes in the write that makes the file: one commit fewer per upload.
    const row = await ingest(
      deps,
      caller,
      {
        fileId: upload.file_id,
        containerId: upload.container_id,
        shareFolderId: upload.share_folder_id ?? undefined,
        parentRef: upload.parent_id,
        fileName: upload.file_name,
        renameMode: upload.rename_mode ?? undefined,
        createdTime: upload.created_time === null ? undefined : Number(upload.created_time),
        description: upload.description,
      },
      temp,
      { sha256: upload.sha256, length: Number(upload.length) },
      (repos) => repos.uploads.delete(upload.id),
    );
    return toFileObject(row, urlContext(deps, caller));
  }

  /** A complete repeated after it succeeded answers the same file (when the caller may still see it). */
  async function alreadyCompleted(caller: Caller, input: { fileId: string; containerId: string; shareFolderId?: string | undefined }): Promise<FileObject> {
    const space = await resolveSpace(store.read, caller.userId, input);
    const row = await store.read.files.findById(input.fileId);
    if (!row || row.owner_id !== caller.userId || row.container_id !== space.containerId) throw notFound();
    return toFileObject(row, urlContext(deps, caller));
  }

  return {
    async create(caller: Caller, input: CreateUploadInput) {
      checkFileName('fileName', input.fileName);
      if (input.sha256 !== undefined && !SHA256.test(input.sha256)) throw invalidParam('sha256', { en: 'must be 64 lowercase hex characters', zh: '须为 64 位小写十六进制' });
      const mode = input.uploadMode ?? 'put';
      if (mode !== 'put' && mode !== 'multipart') throw invalidParam('uploadMode', { en: 'must be put or multipart', zh: '须为 put 或 multipart' });
      if (mode === 'put' && input.length > PUT_MAX) throw invalidParam('length', { en: 'must be at most 5 GiB with uploadMode put', zh: 'put 模式最大 5 GiB' });
      const partSize = mode === 'put' ? Math.max(1, input.length) : PART_SIZE;
      if (Math.ceil(input.length / partSize) > MAX_PARTS) throw invalidParam('length', { en: 'needs more than 10000 parts', zh: '分片超过 10000 个' });
      if (input.description !== undefined && codePoints(input.description) > 512) throw invalidParam('description', { en: 'must be at most 512 characters', zh: '最多 512 个字符' });
      const createdTime = parseTime('createdTime', input.createdTime);
      const parentRef = input.parentFolder || ROOT;
      const space = await resolveSpace(store.read, caller.userId, input);
      const parent = await folderInSpace(store.read, space, parentRef, 'parentFolder');
      await checkRoomFor(deps, space, input.length);
      const fileName = await freeNameIn(store.read, parent.id, input.fileName);
      if (fileName !== input.fileName && input.renameMode === 3) throw nameTaken();
      const fileId = newFileId();

      // Rapid upload: content with this sha256 and length that the caller may already read, found
      // and added in one write (the source cannot vanish in between; the quota is checked there).
      // A read first spares that write for content nobody holds, most uploads' case.
      if (input.sha256 !== undefined && (await store.read.files.withContent(input.sha256, input.length, await store.read.users.containerIdsOf(caller.userId)))) {
        const sha256 = input.sha256;
        const target = { ...input, fileId, parentRef, fileName: input.fileName, createdTime };
        const row = await deps.blobLocks.with(sha256, () =>
          store.write(async (repos) => {
            const source = await repos.files.withContent(sha256, input.length, await repos.users.containerIdsOf(caller.userId));
            return source ? addContentFile(deps, repos, caller, target, { sha256, size: input.length }, mediaOf(source)) : undefined;
          }),
        );
        if (row) {
          scheduleThumbnails(deps, sha256, row.mime_type, row.file_type);
          const view = toFileObject(row, urlContext(deps, caller));
          return { ...view, fileId, uploadId: '', rapidUpload: true, exist: true, containerId: space.containerId, multiParts: [] as PartInfo[] };
        }
      }

      const t = now();
      const upload: UploadRow = {
        id: randomBytes(16).toString('base64url'),
        file_id: fileId,
        user_id: caller.userId,
        container_id: space.containerId,
        share_folder_id: input.shareFolderId ?? null,
        parent_id: parent.id,
        file_name: input.fileName,
        rename_mode: input.renameMode ?? null,
        sha256: input.sha256 ?? null,
        length: input.length,
        part_size: partSize,
        created_time: createdTime ?? null,
        description: input.description ?? null,
        expires_at: t + UPLOAD_TTL_MS,
        created_at: t,
        completing_at: null,
      };
      await store.write(async (repos) => {
        // Uploads under way count against the quota: parts take disk before any file exists.
        if (deps.drive.quotaBytes > 0 && input.length + (await repos.uploads.pendingBytes(space.containerId, t)) > (await quotaLeft(deps, space, repos))) {
          throw new AppError(ErrorCode.QuotaExceeded);
        }
        await repos.uploads.insert(upload);
      });
      return {
        fileId,
        uploadId: upload.id,
        rapidUpload: false,
        exist: false,
        containerId: space.containerId,
        fileName,
        parentFolder: [parent.id],
        multiParts: withUrls(caller, upload),
      };
    },

    /** `files/multipart/uploadUrl`: fresh signed URLs for the parts asked for (all when none are). */
    async uploadUrls(caller: Caller, fileId: string, uploadId: string, partNumbers: readonly number[]) {
      const upload = await liveUpload(caller.userId, fileId, uploadId);
      const count = partsOf(Number(upload.length), Number(upload.part_size)).length;
      for (const n of partNumbers) {
        if (n < 1 || n > count) throw invalidParam('multiParts.partNumber', { en: `must be 1 to ${count}`, zh: `须为 1 到 ${count}` });
      }
      return { fileId, uploadId, multiParts: withUrls(caller, upload, partNumbers.length > 0 ? partNumbers : undefined) };
    },

    /** `PUT uploadUrl`: one part's bytes, exactly its size; a second PUT replaces the part. */
    async putPart(fileId: string, q: SignedParams, body: Readable): Promise<{ etag: string }> {
      const userId = verifySignedUrl(signer, 'part', fileId, q, now());
      const [uploadId, n] = (q.part ?? '').split(':');
      if (userId === undefined || !uploadId || !n) throw unauthenticated();
      const upload = await liveUpload(userId, fileId, uploadId);
      const part = partsOf(Number(upload.length), Number(upload.part_size)).find((p) => p.partNumber === Number(n));
      if (!part) throw notFound();
      const temp = await receiveBody(deps, body, part.partSize, upload.id).catch(async (error: unknown) => {
        // An upload completed or discarded meanwhile takes its parts directory with it: the part has no upload.
        const still = await store.read.uploads.find(upload.id);
        if (!still || (still.completing_at !== null && Number(still.completing_at) >= startedAt)) throw notFound();
        throw error instanceof AppError && error.code === ErrorCode.InvalidParameter ? integrity() : error;
      });
      if (temp.size !== part.partSize) {
        await blobs.discard(temp);
        throw integrity();
      }
      const recorded = await store.write((repos) =>
        repos.uploads.putPart({ upload_id: upload.id, part_number: part.partNumber, size: temp.size, sha256: temp.sha256, path: temp.path }, startedAt),
      );
      if (!recorded) {
        // Completed or discarded while these bytes arrived: they belong to no upload any more.
        await blobs.discard(temp);
        throw notFound();
      }
      if (recorded.replaced) await blobs.discard({ sha256: recorded.replaced.sha256, size: Number(recorded.replaced.size), path: recorded.replaced.path });
      return { etag: temp.sha256 };
    },

    /**
     * `files/complete`: every part, the total length and the sha256 checked; then the file is
     * visible. One complete claims the upload; a second one (a client retrying after a timeout)
     * waits for it and gets the same file, or 13000309 when it failed.
     */
    async complete(caller: Caller, input: { fileId: string; uploadId: string; containerId: string; shareFolderId?: string | undefined }): Promise<FileObject> {
      return completing.with(input.uploadId, async () => {
        const upload = await store.read.uploads.find(input.uploadId);
        if (!upload || upload.user_id !== caller.userId || upload.file_id !== input.fileId) return alreadyCompleted(caller, input);
        await liveUpload(caller.userId, input.fileId, input.uploadId);
        await resolveSpace(store.read, caller.userId, input);
        if (input.containerId !== upload.container_id) throw notFound();
        const t = now();
        const claimed = await store.write(async (repos) => {
          // A complete that made the file and then stopped before tidying up: the file is the answer.
          if (await repos.files.findById(upload.file_id)) return { done: true as const };
          const row = await repos.uploads.claim(upload.id, t, startedAt);
          return row ? { row, parts: await repos.uploads.parts(row.id) } : undefined;
        });
        if (!claimed) throw notFound();
        if ('done' in claimed) {
          await discard(upload);
          return alreadyCompleted(caller, input);
        }
        let made: FileObject;
        try {
          made = await assemble(caller, claimed.row, claimed.parts);
        } catch (error) {
          await discard(claimed.row);
          throw error;
        }
        await blobs.discardUpload(claimed.row.id);
        return made;
      });
    },

    /**
     * `files/abort` (albumd's): the caller gives up an unfinished upload; its parts go and its bytes
     * stop counting against the quota at once, not after 24 h. An upload being completed is not
     * taken from under its complete (13000309), nor is anyone else's.
     */
    async abort(caller: Caller, input: { fileId: string; uploadId: string }): Promise<void> {
      await completing.with(input.uploadId, async () => {
        const upload = await store.read.uploads.find(input.uploadId);
        if (!upload || upload.user_id !== caller.userId || upload.file_id !== input.fileId) throw notFound();
        const t = now();
        const claimed = await store.write(async (repos) => {
          const row = await repos.uploads.claim(upload.id, t, startedAt);
          if (row) await repos.uploads.delete(row.id);
          return row;
        });
        if (!claimed) throw notFound();
        await blobs.discardUpload(upload.id);
      });
    },

    /** Drops uploads unfinished after 24 h, with their parts. */
    async expire(): Promise<number> {
      let removed = 0;
      for (const id of await store.read.uploads.expiredBefore(now(), startedAt, 1000)) {
        await store.write((repos) => repos.uploads.delete(id));
        await blobs.discardUpload(id);
        removed += 1;
      }
      return removed;
    },
  };
}
