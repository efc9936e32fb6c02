import type { Selectable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { FamiliesTable } from '../schema.js';

export type FamilyRow = Selectable<FamiliesTable>;

export function familiesRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    findByGroupId(groupId: string): Promise<FamilyRow | undefined> {
      return db.selectFrom('families').selectAll().where('group_id', '=', groupId).executeTakeFirst();
    },
    findByShareFolderId(shareFolderId: string): Promise<FamilyRow | undefined> {
      return db.selectFrom('families').selectAll().where('share_folder_id', '=', shareFolderId).executeTakeFirst();
    },
    async isMember(groupId: string, userId: string): Promise<boolean> {
      const row = await db
        .selectFrom('family_members')
        .select('user_id')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async groupIdsOf(userId: string): Promise<string[]> {
      const rows = await db.selectFrom('family_members').select('group_id').where('user_id', '=', userId).execute();
      return rows.map((r) => r.group_id);
    },
    async adjustAlbumCount(groupId: string, delta: number): Promise<void> {
      await db
        .updateTable('families')
        .set((eb) => ({ album_count: eb('album_count', '+', delta) }))
        .where('group_id', '=', groupId)
        .execute();
    },
  };
}
