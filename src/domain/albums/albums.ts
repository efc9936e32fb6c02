import type { Updateable } from 'kysely';
import type { AlbumsTable } from '../../db/schema.js';
import type { Repositories } from '../../db/repositories/index.js';
import { AlbumKind, AlbumType, manageableAlbum } from '../access.js';
import { checkScope, checkScopeDirShape, given, normalizeScopeKind } from './album-scope.js';
import type { DomainDeps } from '../context.js';
import { invalidParam, limitReached, notFound, rules, spaceUnavailable, wrongAlbumType } from '../errors.js';
import { checkAlbumName } from '../drive/names.js';
import { kindTypes } from './album-effects.js';
import { familySpace, personalSpace, type Space } from '../drive/spaces.js';

export interface CreateAlbumInput {
  type: number;
  albumKind: number;
  name?: string | undefined;
  scopeDir?: string[] | null | undefined;
  scopeParentFolderId?: string | null | undefined;
  scopeKind?: unknown;
  groupId?: string | undefined;
  shareFolderId?: string | undefined;
  containerId?: string | undefined;
}

export interface UpdateAlbumInput {
  name?: string | undefined;
  scopeParentFolderId?: string | null | undefined;
  scopeDirList?: string[] | null | undefined;
  scopeDir?: string[] | null | undefined;
  scopeKind?: unknown;
}

const scopeOnManual = { en: 'a manual album takes no scope fields', zh: '手工相册不接受收录范围字段' };

/** The space a new album lives in; for a shared album, the family of groupId whose share folder is shareFolderId. */
async function albumSpace(repos: Repositories, userId: string, input: CreateAlbumInput): Promise<Space> {
  if (input.albumKind === AlbumKind.Personal) return personalSpace(repos, userId);
  const family = await repos.families.findByGroupId(input.groupId!);
  if (!family || family.share_folder_id !== input.shareFolderId || !(await repos.families.isMember(family.group_id, userId))) {
    throw notFound();
  }
  return familySpace(family);
}

export function createAlbumService(deps: DomainDeps) {
  const { store, ids, now, limits } = deps;

  return {
    /** CreateAlbum with the rules of decisions.md §5, checked in the catalogue's order. */
    async create(userId: string, input: CreateAlbumInput): Promise<string> {
      const collection = input.type === AlbumType.Collection;
      const hasScope = given(input.scopeDir) || given(input.scopeParentFolderId) || given(input.scopeKind);
      if (input.name !== undefined) checkAlbumName('name', input.name);
      else if (!collection) throw invalidParam('name', rules.required);
      let scopeKind: string | null = null;
      if (collection) {
        if (!given(input.scopeParentFolderId)) throw invalidParam('scopeParentFolderId', rules.required);
        if (!given(input.scopeDir)) throw invalidParam('scopeDir', rules.required);
        if (!given(input.scopeKind)) throw invalidParam('scopeKind', rules.required);
      }
      if (given(input.scopeDir)) checkScopeDirShape('scopeDir', input.scopeDir);
      if (given(input.scopeKind)) scopeKind = normalizeScopeKind('scopeKind', input.scopeKind);
      if (input.albumKind === AlbumKind.Shared) {
        if (!given(input.groupId)) throw invalidParam('groupId', rules.required);
        if (!given(input.shareFolderId)) throw invalidParam('shareFolderId', rules.required);
      }
      const albumId = await ids.next();
      await store.write(async (repos) => {
        const space = await albumSpace(repos, userId, input);
        if (given(input.containerId) && input.containerId !== space.containerId) throw spaceUnavailable();
        if (hasScope) {
          if (!collection) throw wrongAlbumType(scopeOnManual);
          await checkScope(repos, space, input.scopeParentFolderId!, input.scopeDir!, 'scopeDir');
        }
        const shared = input.albumKind === AlbumKind.Shared;
        const ownerId = shared ? space.groupId! : userId;
        if (space.albumCount >= limits.albumsPerOwner) throw limitReached();
        const t = now();
        await repos.albums.insert(
          {
            id: albumId,
            owner_id: ownerId,
            creator_id: userId,
            album_type: input.type,
            album_kind: input.albumKind,
            name: input.name ?? null,
            scope_parent_folder_id: collection ? input.scopeParentFolderId! : null,
            scope_kind: scopeKind,
            container_id: space.containerId,
            group_id: shared ? space.groupId! : null,
            share_folder_id: shared ? input.shareFolderId! : null,
            cover_file_id: null,
            create_time: t,
            update_time: t,
          },
          collection ? input.scopeDir! : [],
        );
        if (collection) await repos.albums.setItemCount(albumId, await repos.files.countInFolders(space.containerId, input.scopeDir!, kindTypes(scopeKind)));
        if (shared) await repos.families.adjustAlbumCount(ownerId, 1);
        else await repos.users.adjustAlbumCount(userId, 1);
      }, { key: `user:${userId}` });
      return albumId;
    },

    /** UpdateAlbum: left-out fields keep their value; the result is checked as a whole. */
    async update(userId: string, albumId: string, input: UpdateAlbumInput): Promise<void> {
      const dirs = given(input.scopeDirList) ? input.scopeDirList : given(input.scopeDir) ? input.scopeDir : undefined;
      const dirField = given(input.scopeDirList) ? 'scopeDirList' : 'scopeDir';
      if (input.name !== undefined) checkAlbumName('name', input.name);
      if (dirs !== undefined) checkScopeDirShape(dirField, dirs);
      const scopeKind = given(input.scopeKind) ? normalizeScopeKind('scopeKind', input.scopeKind) : undefined;
      const parentRef = given(input.scopeParentFolderId) ? input.scopeParentFolderId : undefined;
      const touchesScope = dirs !== undefined || scopeKind !== undefined || parentRef !== undefined;
      await store.write(async (repos) => {
        const album = await manageableAlbum(repos, userId, albumId);
        if (album.album_type === AlbumType.Manual && touchesScope) throw wrongAlbumType(scopeOnManual);
        const patch: Updateable<AlbumsTable> = {};
        if (input.name !== undefined) patch.name = input.name;
        if (scopeKind !== undefined) patch.scope_kind = scopeKind;
        if (dirs !== undefined || parentRef !== undefined) {
          const space: Space = {
            containerId: album.container_id,
            rootFolderId: (await repos.containers.findById(album.container_id))?.root_folder_id ?? '',
            kind: album.album_kind === AlbumKind.Shared ? 'family' : 'personal',
            albumCount: 0,
          };
          const newParent = parentRef ?? album.scope_parent_folder_id!;
          const newDirs = dirs ?? (await repos.albums.scopeDirsOf([album.id])).get(album.id) ?? [];
          await checkScope(repos, space, newParent, newDirs, dirField);
          patch.scope_parent_folder_id = newParent;
          if (dirs !== undefined) await repos.albums.replaceScopeDirs(album.id, dirs);
        }
        patch.update_time = now();
        await repos.albums.update(album.id, patch);
        if (touchesScope) {
          const scope = (await repos.albums.scopeDirsOf([album.id])).get(album.id) ?? [];
          await repos.albums.setItemCount(album.id, await repos.files.countInFolders(album.container_id, scope, kindTypes(scopeKind ?? album.scope_kind)));
        }
      }, { key: `user:${userId}` });
    },

    /** DeleteAlbum: the album and its membership rows go; files never do. */
    async delete(userId: string, albumId: string): Promise<void> {
      await store.write(async (repos) => {
        const album = await manageableAlbum(repos, userId, albumId);
        await repos.albums.delete(album.id);
        if (album.album_kind === AlbumKind.Shared) await repos.families.adjustAlbumCount(album.owner_id, -1);
        else await repos.users.adjustAlbumCount(album.owner_id, -1);
      }, { key: `user:${userId}` });
    },
  };
}

export type AlbumService = ReturnType<typeof createAlbumService>;
