import type { Kysely } from 'kysely';

/** Batch tasks (recycle, delete, move, restore, empty), kept for `GET jobs`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('container_id', 'text', (c) => c.notNull())
    .addColumn('task_type', 'integer', (c) => c.notNull())
    .addColumn('action_type', 'integer')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_user').on('jobs').columns(['user_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('albumd migrations are forward-only');
}
