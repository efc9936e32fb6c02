import type { Kysely, Selectable } from 'kysely';
import type { DB, UsersTable, ContainersTable } from '../schema.js';

export type UserRow = Selectable<UsersTable>;
export type ContainerRow = Selectable<ContainersTable>;

export function usersRepository(db: Kysely<DB>) {
  return {
    async insert(user: Omit<UserRow, 'album_count'>): Promise<void> {
      await db.insertInto('users').values(user).execute();
    },
    findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findByPhone(phone: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
    },
    /** The user's personal space with its album count, in one read. */
    personalSpaceOf(id: string) {
      return db
        .selectFrom('users')
        .innerJoin('containers', 'containers.id', 'users.container_id')
        .select(['containers.id as container_id', 'containers.root_folder_id', 'containers.status', 'users.album_count'])
        .where('users.id', '=', id)
        .executeTakeFirst();
    },
    async adjustAlbumCount(id: string, delta: number): Promise<void> {
      await db
        .updateTable('users')
        .set((eb) => ({ album_count: eb('album_count', '+', delta) }))
        .where('id', '=', id)
        .execute();
    },
  };
}

export function containersRepository(db: Kysely<DB>) {
  return {
    async insert(row: Omit<ContainerRow, 'status'>): Promise<void> {
      await db.insertInto('containers').values(row).execute();
    },
    findById(id: string): Promise<ContainerRow | undefined> {
      return db.selectFrom('containers').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}
