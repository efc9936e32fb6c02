import type { Client } from './api.js';
import type { CreateDirectory, DriveFile, FamilyList, FileList, FileResult, ListFiles, MediaFileResult, SpaceInfo, UserInfo } from './types.js';

/**
 * The spaces a person can browse (their own, and each family's) and the folders in them, through
 * the public API only: user/info and space/{ownerId} find the personal space after a login,
 * sharefolder/list the families; a family space is reached with its share-folder header.
 */

export interface Space {
  /** 'personal' or the family's share-folder ID. */
  key: string;
  name: string;
  containerId: string;
  /** The family's share-folder ID, sent as x-hw-share-folder-id; none for the personal space. */
  shareFolderId?: string;
  /** The family's group ID (its albums are listed by it). */
  groupId?: string;
  /** The family's owner: only they may delete it. */
  ownerId?: string;
}

const FOLDER_TYPE = '10';

export const isFolder = (f: Pick<DriveFile, 'fileType'>): boolean => f.fileType === FOLDER_TYPE;
export const isMedia = (f: Pick<DriveFile, 'mimeType'>): boolean => /^(image|video)\//.test(f.mimeType);
export const isVideo = (f: Pick<DriveFile, 'mimeType'>): boolean => f.mimeType.startsWith('video/');

const shareHeader = (space: Pick<Space, 'shareFolderId'>): Record<string, string> =>
  space.shareFolderId ? { 'x-hw-share-folder-id': space.shareFolderId } : {};

/** Cached per page load: the user's own space does not change while signed in. */
let personal: Promise<Space> | undefined;

export function personalSpace(api: Client, label: string): Promise<Space> {
  const userId = api.session?.userId ?? '';
  personal ??= (async () => {
    const space = await api.call<SpaceInfo>('GET', `/space/${encodeURIComponent(userId)}?type=1`);
    return { key: 'personal', name: label, containerId: space.data.containerId };
  })().catch((error: unknown) => {
    personal = undefined;
    throw error;
  });
  return personal;
}

export function forgetSpaces(): void {
  personal = undefined;
}

export async function me(api: Client): Promise<UserInfo['data']> {
  return (await api.call<UserInfo>('GET', '/user/info')).data;
}

/** Every family the user owns or belongs to (the API pages by offset; families are few). */
export async function familySpaces(api: Client): Promise<Space[]> {
  const out: Space[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await api.call<FamilyList>('GET', `/sharefolder/list?offset=${offset}&limit=100&queryType=0`);
    for (const f of page.folders) out.push({ key: f.id, name: f.name, containerId: f.containerId, shareFolderId: f.id, groupId: f.groupId, ownerId: f.ownerId });
    if (page.folders.length < 100 || out.length >= page.total) return out;
  }
}

export interface ListOptions {
  pageSize?: number;
  pageCursor?: string;
  /** 1 name, 2 size, 3 created, 4 modified. */
  sortType?: 1 | 2 | 3 | 4;
  sortDirection?: 1 | 2;
}

/** One page of a folder's children ('root' for the space's top). */
export function listFolder(api: Client, space: Space, folderId: string, options: ListOptions = {}): Promise<FileList> {
  const body: ListFiles = {
    containerId: space.containerId,
    parentFileId: folderId,
    pageInfo: { pageSize: options.pageSize ?? 100, ...(options.pageCursor ? { pageCursor: options.pageCursor } : {}) },
    sortInfo: { sortType: options.sortType ?? 1, sortDirection: options.sortDirection ?? 1 },
  };
  return api.call<FileList>('POST', '/files/0', body, shareHeader(space));
}

/** Every subfolder of a folder (for pickers): pages until the end. */
export async function subfolders(api: Client, space: Space, folderId: string): Promise<DriveFile[]> {
  const out: DriveFile[] = [];
  let cursor = '';
  do {
    const page = await listFolder(api, space, folderId, { pageCursor: cursor });
    out.push(...page.files.filter(isFolder));
    cursor = page.nextPageCursor;
  } while (cursor);
  return out;
}

export function makeFolder(api: Client, space: Space, parentId: string, name: string): Promise<FileResult> {
  const body: CreateDirectory = { fileName: name, containerId: space.containerId, parentFolder: [parentId], fileType: FOLDER_TYPE, renameMode: 3 };
  return api.call<FileResult>('POST', '/directory', body, shareHeader(space));
}

export function detail(api: Client, space: Pick<Space, 'containerId' | 'shareFolderId'>, fileId: string): Promise<MediaFileResult> {
  return api.call<MediaFileResult>('POST', `/files/${encodeURIComponent(fileId)}/detail`, { containerId: space.containerId }, shareHeader(space));
}

export { shareHeader };
