import type { Kysely } from 'kysely';

/** Invitations to families, by phone number: they wait for the number, registered or not. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('inviter_id', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_group').on('invitations').columns(['group_id', 'created_at']).execute();
  await db.schema.createIndex('invitations_mobile').on('invitations').columns(['mobile', 'status']).execute();
  await db.schema.alterTable('families').addColumn('max_member', 'integer', (c) => c.notNull().defaultTo(10)).execute();
}
