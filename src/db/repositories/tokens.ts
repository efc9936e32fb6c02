import type { Selectable, Insertable } from 'kysely';
import { prepared, type QueryRunner } from '../query-runner.js';
import type { TokensTable } from '../schema.js';

export type TokenRow = Selectable<TokensTable>;

const byHash = prepared((db, p: { hash: string }) => db.selectFrom('tokens').selectAll().where('hash', '=', p.hash));

export function tokensRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(rows: Insertable<TokensTable>[]): Promise<void> {
      await db.insertInto('tokens').values(rows).execute();
    },
    async findByHash(hash: string): Promise<TokenRow | undefined> {
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
    async deleteExpired(before: number): Promise<void> {
      await db.deleteFrom('tokens').where('expires_at', '<', before).execute();
    },
  };
}
