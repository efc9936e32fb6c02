import type { Insertable, Selectable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { FamiliesTable, InvitationsTable } from '../schema.js';

export type FamilyRow = Selectable<FamiliesTable>;
export type InvitationRow = Selectable<InvitationsTable>;

/** Which families of a user: 0 all, 1 those it owns, 2 those it joined. */
export type FamilyQueryType = 0 | 1 | 2;

export function familiesRepository(runner: QueryRunner) {
  const db = runner.db;

  return {
    async insert(row: Insertable<FamiliesTable>): Promise<void> {
      await db.insertInto('families').values(row).execute();
    },
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
    async memberCount(groupId: string): Promise<number> {
      const row = await db
        .selectFrom('family_members')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('group_id', '=', groupId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** A family's members with what other members may see of them, owner first, then by joining. */
    members(groupId: string): Promise<{ user_id: string; name: string; phone: string; owner_id: string; joined_at: number | string }[]> {
      return db
        .selectFrom('family_members')
        .innerJoin('users', 'users.id', 'family_members.user_id')
        .innerJoin('families', 'families.group_id', 'family_members.group_id')
        .select(['family_members.user_id', 'users.name', 'users.phone', 'families.owner_id', 'family_members.joined_at'])
        .where('family_members.group_id', '=', groupId)
        .orderBy((eb) => eb.case().when('family_members.user_id', '=', eb.ref('families.owner_id')).then(0).else(1).end())
        .orderBy('family_members.joined_at')
        .orderBy('family_members.user_id')
        .execute();
    },
    async addMember(groupId: string, userId: string, at: number): Promise<void> {
      await db.insertInto('family_members').values({ group_id: groupId, user_id: userId, joined_at: at }).execute();
    },
    async removeMember(groupId: string, userId: string): Promise<void> {
      await db.deleteFrom('family_members').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
    },
    /** Every family the user belongs to, oldest first (a user is in a handful). */
    ofUser(userId: string): Promise<FamilyRow[]> {
      return db
        .selectFrom('family_members')
        .innerJoin('families', 'families.group_id', 'family_members.group_id')
        .selectAll('families')
        .where('family_members.user_id', '=', userId)
        .orderBy('families.created_at')
        .orderBy('families.group_id')
        .execute();
    },
    async rename(groupId: string, name: string): Promise<void> {
      await db.updateTable('families').set({ name }).where('group_id', '=', groupId).execute();
    },
    /** The family row, its members and its invitations (its albums and files are the caller's business). */
    async delete(groupId: string): Promise<void> {
      await db.deleteFrom('invitations').where('group_id', '=', groupId).execute();
      await db.deleteFrom('family_members').where('group_id', '=', groupId).execute();
      await db.deleteFrom('families').where('group_id', '=', groupId).execute();
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

export function invitationsRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(row: Insertable<InvitationsTable>): Promise<void> {
      await db.insertInto('invitations').values(row).execute();
    },
    findById(id: string): Promise<InvitationRow | undefined> {
      return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** A pending, unexpired invitation of this number to this family. */
    pending(groupId: string, mobile: string, now: number): Promise<InvitationRow | undefined> {
      return db
        .selectFrom('invitations')
        .selectAll()
        .where('group_id', '=', groupId)
        .where('mobile', '=', mobile)
        .where('status', '=', 0)
        .where('expires_at', '>', now)
        .executeTakeFirst();
    },
    /** Every invitation of a family, newest first. */
    ofFamily(groupId: string): Promise<InvitationRow[]> {
      return db.selectFrom('invitations').selectAll().where('group_id', '=', groupId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    },
    /** Pending, unexpired invitations waiting for a number, with their family. */
    waitingFor(mobile: string, now: number) {
      return db
        .selectFrom('invitations')
        .innerJoin('families', 'families.group_id', 'invitations.group_id')
        .innerJoin('users', 'users.id', 'invitations.inviter_id')
        .select([
          'invitations.id',
          'invitations.group_id',
          'invitations.created_at',
          'invitations.expires_at',
          'families.share_folder_id',
          'families.name',
          'users.phone as inviter_phone',
        ])
        .where('invitations.mobile', '=', mobile)
        .where('invitations.status', '=', 0)
        .where('invitations.expires_at', '>', now)
        .orderBy('invitations.created_at', 'desc')
        .orderBy('invitations.id', 'desc')
        .execute();
    },
    async setStatus(id: string, status: number): Promise<void> {
      await db.updateTable('invitations').set({ status }).where('id', '=', id).execute();
    },
  };
}
