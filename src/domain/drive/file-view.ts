import type { FileRow } from '../../db/repositories/index.js';
import { FileType } from '../../media/types.js';
import { iso } from '../context.js';
import type { Signer } from '../auth/signing.js';
import { signedUrl } from './urls.js';

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
  sha256?: string;
  takeTime?: string;
  width?: number;
  height?: number;
  duration?: number;
  thumbnailUrl?: string;
  mediaError?: string;
}

/** What signed URLs in a view need: who they are for, where they point, and the key. */
export interface UrlContext {
  signer: Signer;
  origin: string;
  userId: string;
  now: number;
}

/** The URL context for a caller, now. */
export const urlContext = (deps: { signer: Signer; now: () => number }, caller: { userId: string; origin: string }): UrlContext => ({
  signer: deps.signer,
  origin: caller.origin,
  userId: caller.userId,
  now: deps.now(),
});

export const isMedia = (fileType: string): boolean => fileType === FileType.Image || fileType === FileType.Video;

export const FOLDER_MIME = 'application/vnd.koodrive.folder';

/** The columns a folder (or a file before its content is known) leaves empty. */
export const NO_CONTENT = {
  sha256: null,
  take_time: null,
  media_time: null,
  width: null,
  height: null,
  duration: null,
  media_error: null,
  recycled_at: null,
  recycled_with: null,
} as const;

export function toFileObject(row: FileRow, urls?: UrlContext): FileObject {
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
  if (row.file_type === FileType.Folder) return view;
  if (row.sha256 !== null) view.sha256 = row.sha256;
  view.takeTime = iso(Number(row.take_time ?? row.created_time));
  if (row.width !== null) view.width = row.width;
  if (row.height !== null) view.height = row.height;
  if (row.duration !== null) view.duration = row.duration;
  if (urls && isMedia(row.file_type)) view.thumbnailUrl = signedUrl(urls.signer, urls.origin, 'thumbnail', row.id, urls.userId, urls.now, 'm');
  if (row.media_error !== null) view.mediaError = row.media_error;
  return view;
}
