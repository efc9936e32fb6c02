import { sql, type Kysely } from 'kysely';

/** Content, media metadata and the recycle bin on files; blobs with reference counts; space usage. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const fileColumns: [string, 'text' | 'bigint' | 'integer' | 'double precision'][] = [
    ['sha256', 'text'],
    ['take_time', 'bigint'],
    ['width', 'integer'],
    ['height', 'integer'],
    ['duration', 'double precision'],
    ['media_error', 'text'],
    ['recycled_at', 'bigint'],
    // The item whose recycling took this one along (itself for what was recycled directly).
    ['recycled_with', 'text'],
  ];
  for (const [name, type] of fileColumns) {
    await db.schema.alterTable('files').addColumn(name, type).execute();
  }
  // Folder listings, one index per sort, each ending in the file ID for a total order.
  for (const [name, column] of [
    ['files_parent_size', 'size'],
    ['files_parent_created', 'created_time'],
    ['files_parent_edited', 'edited_time'],
  ] as const) {
    await db.schema.createIndex(name).on('files').columns(['parent_id', 'recycled', column, 'id']).execute();
  }
  await db.schema.createIndex('files_parent_name_id').on('files').columns(['parent_id', 'recycled', 'name', 'id']).execute();
  await db.schema.createIndex('files_container_sha').on('files').columns(['sha256']).execute();
  await db.schema
    .createIndex('files_recycle_bin')
    .on('files')
    .columns(['container_id', 'recycled_at', 'id'])
    .where(sql.ref('recycled_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('ref_count', 'integer', (c) => c.notNull())
    .addColumn('unreferenced_since', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('blobs_unreferenced').on('blobs').columns(['unreferenced_since']).execute();

  await db.schema.alterTable('containers').addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('albumd migrations are forward-only');
}
