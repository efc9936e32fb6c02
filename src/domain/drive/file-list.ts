import type { FileRow, FileSortColumn } from '../../db/repositories/files.js';
import type { Caller, DomainDeps } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { toFileObject, type FileObject, urlContext } from './file-view.js';
import type { SpaceRef } from './files.js';
import { folderInSpace, resolveSpace, ROOT } from './spaces.js';

export interface ListFilesInput extends SpaceRef {
  /** 0 a folder's children, 1 the recycle bin. */
  type: 0 | 1;
  parentFileId?: string | undefined;
  pageSize?: number | undefined;
  pageCursor?: string | undefined;
  sortType?: number | undefined;
  sortDirection?: number | undefined;
  fileType?: string | undefined;
}

const SORT_COLUMNS: Record<number, FileSortColumn> = { 1: 'name', 2: 'size', 3: 'created_time', 4: 'edited_time' };

const sortValue = (row: FileRow, column: FileSortColumn): string | number =>
  column === 'name' ? row.name : Number(row[column]);

export function createFileListService(deps: DomainDeps) {
  const { store, signer } = deps;
  return {
    /** `files/{type}`: keyset pages in one of four orders, ties broken on file ID. */
    async list(caller: Caller, input: ListFilesInput): Promise<{ files: FileObject[]; nextPageCursor: string }> {
      const sortType = input.sortType ?? 4;
      const desc = (input.sortDirection ?? 2) === 2;
      const pageSize = input.pageSize ?? 100;
      const sort = SORT_COLUMNS[sortType]!;
      const repos = store.read;
      const space = await resolveSpace(repos, caller.userId, input);
      const scope = input.type === 0 ? (await folderInSpace(repos, space, input.parentFileId || ROOT, 'parentFileId')).id : space.containerId;
      const binding = `files\n${input.type}\n${scope}\n${sortType}\n${desc ? 2 : 1}\n${input.fileType ?? ''}`;
      const after = input.pageCursor ? decodeCursor(signer, binding, input.pageCursor) : undefined;
      const page = { sort, desc, after, limit: pageSize + 1, fileType: input.fileType };
      const rows = input.type === 0 ? await repos.files.listChildren(scope, page) : await repos.files.listRecycleBin(scope, page);
      const more = rows.length > pageSize;
      const shown = more ? rows.slice(0, pageSize) : rows;
      const last = shown[shown.length - 1];
      const urls = urlContext(deps, caller);
      return {
        files: shown.map((r) => toFileObject(r, urls)),
        nextPageCursor: more && last ? encodeCursor(signer, binding, { value: sortValue(last, sort), id: last.id }) : '',
      };
    },
  };
}
