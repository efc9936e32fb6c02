import type { Selectable, Insertable } from 'kysely';
import { prepared, type QueryRunner } from '../query-runner.js';
import type { TokensTable } from '../schema.js';

export type TokenRow = Selectable<TokensTable>;
/** A token with its user's status (0 enabled); a token whose user is gone is not found. */
export type TokenWithUser = TokenRow & { user_status: number };

// The auth gate's one statement: the token and its user's status, both by primary key.
const byHash = prepared((db, p: { hash: string }) =>
  db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .selectAll('tokens')
    .select('users.status as user_status')
    .where('tokens.hash', '=', p.hash),
);

export function tokensRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(rows: Insertable<TokensTable>[]): Promise<void> {
      await db.insertInto('tokens').values(rows).execute();
    },
    async findByHash(hash: string): Promise<TokenWithUser | undefined> {
      return (await byHash(runner, { hash })).rows[0];
    },
    /** Marks a refresh token used; false when another request used it first. */
    async markUsed(hash: string): Promise<boolean> {
      const result = await db
        .updateTable('tokens')
        .set({ used: 1 })
        .where('hash', '=', hash)
        .where('used', '=', 0)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revokePair(pairId: string): Promise<void> {
      await db.updateTable('tokens').set({ revoked: 1 }).where('pair_id', '=', pairId).execute();
    },
    async revokeSession(sessionId: string): Promise<void> {
      await db.updateTable('tokens').set({ revoked: 1 }).where('session_id', '=', sessionId).execute();
    },
    /**
     * Revokes every token of a user that still works at `now`; returns how many logins (sessions)
     * that ended.
     */
    async revokeUser(userId: string, now: number): Promise<number> {
      const rows = await db
        .updateTable('tokens')
        .set({ revoked: 1 })
        .where('user_id', '=', userId)
        .where('revoked', '=', 0)
        .where('expires_at', '>', now)
        .returning('session_id')
        .execute();
      return new Set(rows.map((r) => r.session_id)).size;
    },
    /** Deletes every token of a user (the user is being deleted); returns how many working logins ended. */
    async deleteUser(userId: string, now: number): Promise<number> {
      const rows = await db.deleteFrom('tokens').where('user_id', '=', userId).returning(['session_id', 'revoked', 'expires_at']).execute();
      return new Set(rows.filter((r) => r.revoked === 0 && Number(r.expires_at) > now).map((r) => r.session_id)).size;
    },
    async deleteExpired(before: number): Promise<void> {
      await db.deleteFrom('tokens').where('expires_at', '<', before).execute();
    },
  };
}
