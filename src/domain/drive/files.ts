import { Readable } from 'node:stream';
import { newFileId } from '../../ids.js';
import type { FileRow, Repositories } from '../../db/repositories/index.js';
import { checkRoomFor, ingest, receiveBody, roomIn } from '../uploads/ingest.js';
import type { Caller, DomainDeps } from '../context.js';
import { invalidParam, notFound } from '../errors.js';
import { toFileObject, type FileObject, type UrlContext, urlContext } from './file-view.js';
import { parseTime } from './folders.js';
import { checkFileName } from './names.js';
import { folderInSpace, resolveSpace, ROOT, type Space } from './spaces.js';

export interface SpaceRef {
  containerId: string;
  shareFolderId?: string | undefined;
}

export interface UploadInput extends SpaceRef {
  fileName: string;
  parentFolder?: string | undefined;
  createdTime?: string | undefined;
  sha256?: string | undefined;
  renameMode?: number | undefined;
  /** Content-Length when the client sent one: lets a quota or size failure answer before the bytes. */
  length?: number | undefined;
}

export const SHA256 = /^[0-9a-f]{64}$/;

/** A file of the given space, or 13000309: the caller learns nothing of files elsewhere. */
export async function fileInSpace(repos: Repositories, space: Space, fileId: string): Promise<FileRow> {
  return inSpace(space, await repos.files.findById(fileId));
}

/** The row when it is an item of the space (its root folder is not one), else 13000309. */
export function inSpace(space: Space, row: FileRow | undefined): FileRow {
  if (!row || row.container_id !== space.containerId || (row.file_type === '10' && row.parent_id === null)) throw notFound();
  return row;
}

export function createFileService(deps: DomainDeps) {
  const { store } = deps;
  const urlsFor = (caller: Caller): UrlContext => urlContext(deps, caller);

  return {
    /**
     * The one-shot upload: the bytes stream to a temporary blob (hashed on the way), are probed,
     * made durable, and only then does one transaction make the file visible.
     */
    async upload(caller: Caller, input: UploadInput, body: Readable | undefined): Promise<FileObject> {
      checkFileName('fileName', input.fileName);
      if (input.sha256 !== undefined && !SHA256.test(input.sha256)) throw invalidParam('sha256', { en: 'must be 64 lowercase hex characters', zh: '须为 64 位小写十六进制' });
      const createdTime = parseTime('createdTime', input.createdTime);
      const parentRef = input.parentFolder || ROOT;
      const space = await resolveSpace(store.read, caller.userId, input);
      await folderInSpace(store.read, space, parentRef, 'parentFolder');
      if (input.length !== undefined) await checkRoomFor(deps, space, input.length);

      // A request without a body uploads an empty file; one without a length (chunked) stops at the room left.
      const room = await roomIn(deps, space);
      const temp = await receiveBody(deps, body ?? Readable.from([]), room.maxBytes, undefined, room.overflow);
      const row = await ingest(deps, caller, { ...input, parentRef, createdTime, fileId: newFileId() }, temp, input);
      return toFileObject(row, urlsFor(caller));
    },

    /** `files/{fileId}/detail` in the space the caller names. */
    async detail(caller: Caller, fileId: string, ref: SpaceRef): Promise<FileObject> {
      const space = await resolveSpace(store.read, caller.userId, ref);
      return toFileObject(await fileInSpace(store.read, space, fileId), urlsFor(caller));
    },
  };
}

