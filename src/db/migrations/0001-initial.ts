import { sql, type Kysely } from 'kysely';

/** Users, spaces, folders, tokens, families and albums. Portable: runs on SQLite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('container_id', 'text', (c) => c.notNull())
    .addColumn('album_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('containers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('root_folder_id', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('container_id', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('edited_time', 'bigint', (c) => c.notNull())
    .addColumn('recycled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Names are unique among the visible children of a folder.
  await db.schema
    .createIndex('files_parent_name')
    .on('files')
    .columns(['parent_id', 'name'])
    .unique()
    .where(sql.ref('recycled'), '=', 0)
    .execute();
  await db.schema.createIndex('files_container').on('files').columns(['container_id']).execute();

  await db.schema
    .createTable('tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tokens_session').on('tokens').columns(['session_id']).execute();
  await db.schema.createIndex('tokens_pair').on('tokens').columns(['pair_id']).execute();

  await db.schema
    .createTable('families')
    .addColumn('group_id', 'text', (c) => c.primaryKey())
    .addColumn('share_folder_id', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('container_id', 'text', (c) => c.notNull())
    .addColumn('root_folder_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('album_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('family_members')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('family_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('family_members_user').on('family_members').columns(['user_id']).execute();

  await db.schema
    .createTable('albums')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('album_type', 'integer', (c) => c.notNull())
    .addColumn('album_kind', 'integer', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('scope_parent_folder_id', 'text')
    .addColumn('scope_kind', 'text')
    .addColumn('container_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('share_folder_id', 'text')
    .addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cover_file_id', 'text')
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  // ListAlbums: one owner, one kind, one type, newest (highest snowflake) first.
  await db.schema
    .createIndex('albums_owner_list')
    .on('albums')
    .columns(['owner_id', 'album_kind', 'album_type', 'id'])
    .execute();

  await db.schema
    .createTable('album_scope_dirs')
    .addColumn('album_id', 'text', (c) => c.notNull())
    .addColumn('folder_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('album_scope_dirs_pk', ['album_id', 'folder_id'])
    .execute();
  await db.schema.createIndex('album_scope_dirs_folder').on('album_scope_dirs').columns(['folder_id']).execute();

  await db.schema
    .createTable('worker_leases')
    .addColumn('worker_id', 'integer', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('albumd migrations are forward-only');
}
