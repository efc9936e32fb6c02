import { newFileId } from '../../ids.js';
import type { DomainDeps } from '../context.js';
import { invalidParam, nameTaken } from '../errors.js';
import { FOLDER_MIME, NO_CONTENT, toFileObject, type FileObject } from './file-view.js';
import { checkFileName, codePoints } from './names.js';
import { freeNameIn } from './free-name.js';
import { folderInSpace, resolveSpace, ROOT } from './spaces.js';


export interface CreateFolderInput {
  fileName: string;
  containerId: string;
  parentFolder?: string[] | null | undefined;
  renameMode?: number | undefined;
  fileType?: string | undefined;
  description?: string | undefined;
  createdTime?: string | undefined;
  shareFolderId?: string | undefined;
}

/** ISO-8601 with a zone → epoch ms; undefined when absent, 13000102 when malformed. */
export function parseTime(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw invalidParam(field, { en: 'must be an ISO-8601 time such as 2025-09-01T02:34:57.815Z', zh: '须为 ISO-8601 时间' });
  return ms;
}

export function createFolderService(deps: DomainDeps) {
  const { store, now } = deps;
  return {
    /** `POST /directory`: renameMode 3 (default) refuses a taken name, 2 takes a free one. */
    async create(userId: string, input: CreateFolderInput): Promise<FileObject> {
      checkFileName('fileName', input.fileName);
      if (input.fileType !== undefined && input.fileType !== '10') throw invalidParam('fileType', { en: 'must be 10', zh: '须为 10' });
      if (input.description !== undefined && codePoints(input.description) > 512) {
        throw invalidParam('description', { en: 'must be at most 512 characters', zh: '最多 512 个字符' });
      }
      const createdTime = parseTime('createdTime', input.createdTime);
      const renameMode = input.renameMode ?? 3;
      const parentRef = input.parentFolder?.[0] || ROOT;
      const id = newFileId();
      return store.write(async (repos) => {
        const space = await resolveSpace(repos, userId, { shareFolderId: input.shareFolderId, containerId: input.containerId });
        const parent = await folderInSpace(repos, space, parentRef, 'parentFolder');
        const name = await freeNameIn(repos, parent.id, input.fileName);
        if (name !== input.fileName && renameMode !== 2) throw nameTaken();
        const t = now();
        const row = {
          id,
          container_id: space.containerId,
          parent_id: parent.id,
          name,
          file_type: '10',
          mime_type: FOLDER_MIME,
          size: 0,
          owner_id: userId,
          description: input.description ?? null,
          created_time: createdTime ?? t,
          edited_time: t,
          recycled: 0,
          ...NO_CONTENT,
        };
        await repos.files.insert(row);
        return toFileObject(row);
      });
    },
  };
}

