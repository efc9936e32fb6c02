import type { Kysely } from 'kysely';

/**
 * `users.status`: 0 enabled, 7 disabled (KooDrive's "frozen", `PUT /users/{userId}`). The auth gate
 * reads it with the token in one statement; login and refresh read it inside the write that issues
 * tokens. `tokens_user`: `bin/albumd user passwd / disable / delete` revoke or delete every token of
 * a user without a scan. An integer column and an index: nothing dialect-specific (no text column, so
 * no COLLATE "C" as in 0009).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('status', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('tokens_user').on('tokens').columns(['user_id']).execute();
}
