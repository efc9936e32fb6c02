import type { FamilyRow, Repositories } from '../../db/repositories/index.js';
import { newContainerId, newFileId } from '../../ids.js';
import { iso, type DomainDeps } from '../context.js';
import { AppError, ErrorCode, forbidden, invalidParam, rules, spaceUnavailable } from '../errors.js';
import { freeNameIn } from '../drive/free-name.js';
import { codePoints, wellFormed } from '../drive/names.js';
import { createSpace, familyOfMember, personalSpace } from '../drive/spaces.js';
import { spaceChanged } from '../jobs/space-move.js';

/** Every family lives in one tenant: the server. */
export const TENANT_ID = 'albumd';

/** The ShareFolder object of the public API, IDs as strings (decisions.md §10). */
export interface ShareFolder {
  tenantId: string;
  creator: string;
  createTime: string;
  ownerId: string;
  status: number;
  id: string;
  containerId: string;
  shareFolderFileId: string;
  name: string;
  groupId: string;
  maxMember: number;
  /** albumd's: how many members the family has, owner included. */
  memberCount: number;
}

export interface ListFamiliesInput {
  offset: number;
  limit: number;
  keyWord?: string | undefined;
  status?: string | undefined;
  queryType?: number | undefined;
}

const FORBIDDEN_IN_FAMILY_NAMES = /[<>|:*?"/\\\n\r\b\t]/;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const CONTROL = /\p{Cc}/u;

/** Family names (public rule): under 32 characters, no emoji, not only dots, none of < > | : * ? " / \n \r \b \t. */
export function checkFamilyName(field: string, value: string): void {
  const length = codePoints(value);
  if (length < 1 || length > 31) throw invalidParam(field, rules.length(1, 31));
  if (FORBIDDEN_IN_FAMILY_NAMES.test(value) || CONTROL.test(value)) {
    throw invalidParam(field, { en: 'must not contain < > | : * ? " / or control characters', zh: '不得包含 < > | : * ? " / 或控制字符' });
  }
  if (PICTOGRAPHIC.test(value)) throw invalidParam(field, { en: 'must not contain emoji', zh: '不得包含表情符号' });
  if (!wellFormed(value)) throw invalidParam(field, { en: 'must be valid Unicode text', zh: '须为有效的 Unicode 文本' });
  if (/^\.+$/.test(value)) throw invalidParam(field, { en: 'must not be only dots', zh: '不得只含点' });
  if (value.trim() === '') throw invalidParam(field, { en: 'must not be only white space', zh: '不得只含空白' });
}

/** The family, for what only its owner may do (members → 13000410). */
export function ownerOnly(family: FamilyRow, userId: string): FamilyRow {
  if (family.owner_id !== userId) throw forbidden();
  return family;
}

export function createFamilyService(deps: DomainDeps) {
  const { store, ids, now } = deps;

  const view = async (repos: Repositories, f: FamilyRow): Promise<ShareFolder> => ({
    tenantId: TENANT_ID,
    creator: f.owner_id,
    createTime: iso(Number(f.created_at)),
    ownerId: f.owner_id,
    status: 0,
    id: f.share_folder_id,
    containerId: f.container_id,
    shareFolderFileId: f.root_folder_id,
    name: f.name,
    groupId: f.group_id,
    maxMember: Number(f.max_member),
    memberCount: await repos.families.memberCount(f.group_id),
  });

  return {
    /** `sharefolder/create`: a group, its family space and root folder, the caller its owner and first member. */
    async create(userId: string, input: { shareType: number; containerId: string; name: string }) {
      if (input.shareType !== 0) throw invalidParam('shareType', rules.oneOf([0]));
      checkFamilyName('name', input.name);
      const groupId = await ids.next();
      const id = await ids.next();
      const containerId = newContainerId();
      const rootId = newFileId();
      return store.write(async (repos) => {
        const personal = await personalSpace(repos, userId);
        if (input.containerId !== personal.containerId) throw spaceUnavailable();
        const t = now();
        await createSpace(repos, { containerId, kind: 'family', ownerId: groupId, rootFolderId: rootId, creatorId: userId, at: t });
        await repos.families.insert({
          group_id: groupId,
          share_folder_id: id,
          owner_id: userId,
          container_id: containerId,
          root_folder_id: rootId,
          name: input.name,
          max_member: deps.limits.membersPerFamily,
          created_at: t,
        });
        await repos.families.addMember(groupId, userId, t);
        return { id, data: { tenantId: TENANT_ID, creator: userId, createTime: iso(t), groupId, id, shareFolderId: rootId } };
      });
    },

    /** `sharefolder/list`: the caller's families (all, created, joined), oldest first. */
    async list(userId: string, input: ListFamiliesInput): Promise<{ folders: ShareFolder[]; total: number }> {
      const repos = store.read;
      // Deleted families are not kept: asking for them finds none.
      if (input.status === '1') return { folders: [], total: 0 };
      const queryType = input.queryType ?? 0;
      const keyWord = input.keyWord?.toLowerCase();
      const rows = (await repos.families.ofUser(userId)).filter(
        (f) =>
          (queryType === 0 || (queryType === 1) === (f.owner_id === userId)) &&
          (!keyWord || f.name.toLowerCase().includes(keyWord)),
      );
      const page = rows.slice(input.offset, input.offset + input.limit);
      return { folders: await Promise.all(page.map((f) => view(repos, f))), total: rows.length };
    },

    /** `sharefolder/metadata/{id}`: for members only. */
    async metadata(userId: string, shareFolderId: string): Promise<{ sharefolder: ShareFolder }> {
      const repos = store.read;
      return { sharefolder: await view(repos, await familyOfMember(repos, userId, shareFolderId)) };
    },

    /** `sharefolder/rename`: the owner only. */
    async rename(userId: string, input: { id: string; fileName: string }): Promise<void> {
      checkFamilyName('fileName', input.fileName);
      await store.write(async (repos) => {
        const family = ownerOnly(await familyOfMember(repos, userId, input.id), userId);
        await repos.families.rename(family.group_id, input.fileName);
      });
    },

    /**
     * `sharefolder/delete`: the owner only. Shared albums go; the folder tree, recycle bin included,
     * moves intact into a folder named after the family in the owner's personal space.
     */
    async delete(userId: string, input: { id: string }): Promise<void> {
      const dropped = await store.write(async (repos) => {
        const family = ownerOnly(await familyOfMember(repos, userId, input.id), userId);
        const personal = await personalSpace(repos, userId);
        const rows = await repos.files.inContainer(family.container_id);
        const moving = rows.reduce((n, r) => n + (r.sha256 === null ? 0 : Number(r.size)), 0);
        const to = await repos.containers.findById(personal.containerId);
        if (deps.drive.quotaBytes > 0 && Number(to?.used_bytes ?? 0) + moving > deps.drive.quotaBytes) throw new AppError(ErrorCode.QuotaExceeded);
        const t = now();
        await repos.albums.deleteOwnedBy(family.group_id);
        const name = await freeNameIn(repos, personal.rootFolderId, family.name);
        await repos.files.setContainer(rows.map((r) => r.id), personal.containerId);
        await repos.files.place(family.root_folder_id, personal.rootFolderId, name, t);
        // The same effects as every other move between spaces: albums over these folders count them again.
        await spaceChanged(repos, rows, personal, { id: family.root_folder_id, parentId: personal.rootFolderId });
        const uploads = await repos.uploads.dropInContainer(family.container_id);
        await repos.containers.delete(family.container_id);
        await repos.families.delete(family.group_id);
        return uploads;
      });
      for (const id of dropped) await deps.blobs.discardUpload(id);
    },
  };
}
