import type { FileRow } from '../db/repositories/index.js';
import { iso } from './context.js';

/** The file object of decisions.md §6 (the parts that exist so far). */
export interface FileObject {
  id: string;
  fileName: string;
  fileType: string;
  mimeType: string;
  size: number;
  parentFolder: string[];
  containers: string[];
  createdTime: string;
  editedTime: string;
  recycled: boolean;
  ownerId: string;
  description?: string;
}

/** The columns a folder (or a file before its content is known) leaves empty. */
export const NO_CONTENT = {
  sha256: null,
  take_time: null,
  width: null,
  height: null,
  duration: null,
  media_error: null,
  recycled_at: null,
  recycled_with: null,
} as const;

export function toFileObject(row: FileRow): FileObject {
  const view: FileObject = {
    id: row.id,
    fileName: row.name,
    fileType: row.file_type,
    mimeType: row.mime_type,
    size: Number(row.size),
    parentFolder: row.parent_id === null ? [] : [row.parent_id],
    containers: [row.container_id],
    createdTime: iso(Number(row.created_time)),
    editedTime: iso(Number(row.edited_time)),
    recycled: row.recycled !== 0,
    ownerId: row.owner_id,
  };
  if (row.description !== null) view.description = row.description;
  return view;
}
