import type { Kysely } from 'kysely';

/**
 * Manual album membership with the sort keys and visibility of each file copied in, so that every
 * listing is one index range: (album, visible, sort key, file ID).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('album_items')
    .addColumn('album_id', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('add_time', 'bigint', (c) => c.notNull())
    .addColumn('take_time', 'bigint', (c) => c.notNull())
    .addColumn('edited_time', 'bigint', (c) => c.notNull())
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('visible', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('album_items_pk', ['album_id', 'file_id'])
    .execute();
  for (const [name, column] of [
    ['album_items_added', 'add_time'],
    ['album_items_taken', 'take_time'],
    ['album_items_edited', 'edited_time'],
  ] as const) {
    await db.schema.createIndex(name).on('album_items').columns(['album_id', 'visible', column, 'file_id']).execute();
  }
  await db.schema.createIndex('album_items_file').on('album_items').columns(['file_id']).execute();

  // Every row of a manual album, visible or not: the per-album limit counts them.
  await db.schema.alterTable('albums').addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // Collection albums read, per scope folder and kind, the next rows in sort order (then merge them).
  for (const [name, column] of [
    ['files_scope_taken', 'take_time'],
    ['files_scope_created', 'created_time'],
    ['files_scope_edited', 'edited_time'],
  ] as const) {
    await db.schema.createIndex(name).on('files').columns(['parent_id', 'recycled', 'file_type', column, 'id']).execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('albumd migrations are forward-only');
}
