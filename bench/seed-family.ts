import type { Store } from '../src/db/database.js';
import { newContainerId, newFileId } from '../src/ids.js';
import { createSpace } from '../src/domain/drive/spaces.js';

/**
 * A family of `members` people (the given user its owner, the rest made here without logins) and
 * `albums` shared manual albums, through the repositories. Returns the family's IDs.
 */
export async function seedFamily(
  store: Store,
  owner: { userId: string },
  opts: { members: number; albums: number },
  nextId: () => string,
): Promise<{ groupId: string; shareFolderId: string; containerId: string }> {
  const t = Date.now();
  const groupId = nextId();
  const shareFolderId = nextId();
  const containerId = newContainerId();
  const rootId = newFileId();
  await store.write(async (repos) => {
    await createSpace(repos, { containerId, kind: 'family', ownerId: groupId, rootFolderId: rootId, creatorId: owner.userId, at: t });
    await repos.families.insert({ group_id: groupId, share_folder_id: shareFolderId, owner_id: owner.userId, container_id: containerId, root_folder_id: rootId, name: 'Bench family', max_member: opts.members, created_at: t });
    await repos.families.addMember(groupId, owner.userId, t);
    for (let i = 1; i < opts.members; i++) {
      const userId = nextId();
      const personal = newContainerId();
      await repos.users.insert({ id: userId, phone: `0099900000${String(i).padStart(4, '0')}`, password_hash: 'none', name: `member ${i}`, container_id: personal, created_at: t });
      await createSpace(repos, { containerId: personal, kind: 'personal', ownerId: userId, rootFolderId: newFileId(), creatorId: userId, at: t });
      await repos.families.addMember(groupId, userId, t + i);
    }
  });
  for (let done = 0; done < opts.albums; done += 1000) {
    await store.write(async (repos) => {
      const n = Math.min(1000, opts.albums - done);
      for (let i = done; i < done + n; i++) {
        await repos.albums.insert(
          { id: nextId(), owner_id: groupId, creator_id: owner.userId, album_type: 2, album_kind: 2, name: `shared ${i}`, scope_parent_folder_id: null, scope_kind: null, container_id: containerId, group_id: groupId, share_folder_id: shareFolderId, cover_file_id: null, create_time: t + i, update_time: t + i },
          [],
        );
      }
      await repos.families.adjustAlbumCount(groupId, n);
    });
  }
  return { groupId, shareFolderId, containerId };
}
