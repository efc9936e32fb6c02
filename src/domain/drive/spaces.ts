import type { FamilyRow, FileRow, Repositories } from '../../db/repositories/index.js';
import { FileType } from '../../media/types.js';
import { inRecycleBin, invalidParam, notFound, spaceUnavailable } from '../errors.js';
import { FOLDER_MIME } from './file-view.js';

/** A space the caller may use: its personal space, or a family space it is a member of. */
export interface Space {
  containerId: string;
  rootFolderId: string;
  kind: 'personal' | 'family';
  groupId?: string;
  familyOwnerId?: string;
  /** Albums the space's owner (the user, or the family) has: for the per-owner limit. */
  albumCount: number;
}

export const ROOT = 'root';

export async function personalSpace(repos: Repositories, userId: string): Promise<Space> {
  const row = await repos.users.personalSpaceOf(userId);
  if (!row || row.status !== 0) throw spaceUnavailable();
  return { containerId: row.container_id, rootFolderId: row.root_folder_id, kind: 'personal', albumCount: Number(row.album_count) };
}

/** The family behind a share-folder ID, for its members; anyone else learns nothing (13000309). */
export async function familyOfMember(repos: Repositories, userId: string, shareFolderId: string): Promise<FamilyRow> {
  return memberOnly(repos, userId, await repos.families.findByShareFolderId(shareFolderId));
}

/** The family of a group ID, for its members. */
export async function familyByGroup(repos: Repositories, userId: string, groupId: string): Promise<FamilyRow> {
  return memberOnly(repos, userId, await repos.families.findByGroupId(groupId));
}

async function memberOnly(repos: Repositories, userId: string, family: FamilyRow | undefined): Promise<FamilyRow> {
  if (!family || !(await repos.families.isMember(family.group_id, userId))) throw notFound();
  return family;
}

/** The family space behind a share-folder ID, for members only (others: 13000309). */
export async function familySpaceByShareFolder(repos: Repositories, userId: string, shareFolderId: string): Promise<Space> {
  return familySpace(await familyOfMember(repos, userId, shareFolderId));
}

/** A new space and its root folder: a user's personal space, or a family's (owned by the group). */
export async function createSpace(
  repos: Repositories,
  space: { containerId: string; kind: 'personal' | 'family'; ownerId: string; rootFolderId: string; creatorId: string; at: number },
): Promise<void> {
  await repos.containers.insert({ id: space.containerId, kind: space.kind, owner_id: space.ownerId, root_folder_id: space.rootFolderId, created_at: space.at });
  await repos.files.insert({
    id: space.rootFolderId,
    container_id: space.containerId,
    parent_id: null,
    name: '',
    file_type: FileType.Folder,
    mime_type: FOLDER_MIME,
    owner_id: space.creatorId,
    description: null,
    created_time: space.at,
    edited_time: space.at,
  });
}

export function familySpace(family: FamilyRow): Space {
  return {
    containerId: family.container_id,
    rootFolderId: family.root_folder_id,
    kind: 'family',
    groupId: family.group_id,
    familyOwnerId: family.owner_id,
    albumCount: Number(family.album_count),
  };
}

/**
 * decisions.md §6: with x-hw-share-folder-id the family space, else the personal one; a given
 * containerId must be that space (13000301).
 */
export async function resolveSpace(
  repos: Repositories,
  userId: string,
  opts: { shareFolderId?: string | undefined; containerId?: string | undefined },
): Promise<Space> {
  const space =
    opts.shareFolderId !== undefined
      ? await familySpaceByShareFolder(repos, userId, opts.shareFolderId)
      : await personalSpace(repos, userId);
  if (opts.containerId !== undefined && opts.containerId !== space.containerId) throw spaceUnavailable();
  return space;
}

/** A folder of the space by ID or `root`; 13000309 when not there, 13000306 when recycled. */
export async function folderInSpace(repos: Repositories, space: Space, ref: string, field: string): Promise<FileRow> {
  const id = ref === ROOT ? space.rootFolderId : ref;
  const row = await repos.files.findById(id);
  if (!row || row.container_id !== space.containerId) throw notFound();
  if (row.file_type !== '10') throw invalidParam(field, { en: 'must be a folder', zh: '必须是文件夹' });
  if (row.recycled !== 0) throw inRecycleBin();
  return row;
}
