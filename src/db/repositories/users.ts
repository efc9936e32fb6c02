import type { Insertable, Selectable } from 'kysely';
import { prepared, type QueryRunner } from '../query-runner.js';
import type { UsersTable, ContainersTable } from '../schema.js';

export type UserRow = Selectable<UsersTable>;
export type ContainerRow = Selectable<ContainersTable>;

const personalSpace = prepared((db, p: { id: string }) =>
  db
    .selectFrom('users')
    .innerJoin('containers', 'containers.id', 'users.container_id')
    .select(['containers.id as container_id', 'containers.root_folder_id', 'containers.status', 'users.album_count'])
    .where('users.id', '=', p.id),
);
const addAlbums = prepared((db, p: { id: string; delta: number }) =>
  db
    .updateTable('users')
    .set((eb) => ({ album_count: eb('album_count', '+', p.delta) }))
    .where('id', '=', p.id),
);

export function usersRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(user: Omit<UserRow, 'album_count' | 'status'>): Promise<void> {
      await db.insertInto('users').values(user).execute();
    },
    findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findByPhone(phone: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
    },
    /** The user's personal space with its album count, in one read. */
    async personalSpaceOf(id: string) {
      return (await personalSpace(runner, { id })).rows[0];
    },
    /** Every space the user may read: its personal space and the spaces of its families. */
    async containerIdsOf(id: string): Promise<string[]> {
      const personal = await db.selectFrom('users').select('container_id').where('id', '=', id).executeTakeFirst();
      const families = await db
        .selectFrom('family_members')
        .innerJoin('families', 'families.group_id', 'family_members.group_id')
        .select('families.container_id')
        .where('family_members.user_id', '=', id)
        .execute();
      return [...(personal ? [personal.container_id] : []), ...families.map((f) => f.container_id)];
    },
    async adjustAlbumCount(id: string, delta: number): Promise<void> {
      await addAlbums(runner, { id, delta });
    },
    /** Every user with its personal space's used bytes, oldest first (`bin/albumd user list`). */
    listWithUsage(): Promise<UserSummaryRow[]> {
      return db
        .selectFrom('users')
        .leftJoin('containers', 'containers.id', 'users.container_id')
        .select(['users.id', 'users.phone', 'users.name', 'users.created_at', 'users.status', 'users.album_count', 'containers.used_bytes'])
        .orderBy('users.created_at')
        .orderBy('users.id')
        .execute();
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    },
    /** Sets the status; false when it already was that (or the user is gone). */
    async setStatus(id: string, status: number): Promise<boolean> {
      const result = await db.updateTable('users').set({ status }).where('id', '=', id).where('status', '<>', status).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /**
     * The user row and what is only its own bookkeeping: its job history. Its tokens, spaces, files,
     * albums and families are the caller's business (domain/auth/user-admin.ts), before this.
     */
    async delete(id: string): Promise<boolean> {
      await db.deleteFrom('jobs').where('user_id', '=', id).execute();
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

export interface UserSummaryRow {
  id: string;
  phone: string;
  name: string;
  created_at: number;
  status: number;
  album_count: number;
  used_bytes: number | null;
}

export function containersRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(row: Insertable<ContainersTable>): Promise<void> {
      await db.insertInto('containers').values(row).execute();
    },
    findById(id: string): Promise<ContainerRow | undefined> {
      return db.selectFrom('containers').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('containers').where('id', '=', id).execute();
    },
    async addUsage(id: string, bytes: number): Promise<void> {
      await db
        .updateTable('containers')
        .set((eb) => ({ used_bytes: eb('used_bytes', '+', bytes) }))
        .where('id', '=', id)
        .execute();
    },
  };
}
