import { sql } from 'kysely';
import { prepared, type QueryRunner } from '../query-runner.js';

// One row each, compiled once: /metrics runs them on every scrape.
const storedBytes = prepared((db) =>
  db
    .selectFrom('blobs')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), sql<number>`0`).as('bytes'))
    .where('ref_count', '>', 0),
);
const liveAccessTokens = prepared((db, p: { now: number }) =>
  db
    .selectFrom('tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('kind', '=', 'access')
    .where('revoked', '=', 0)
    .where('expires_at', '>', p.now),
);
const one = prepared((db) => db.selectNoFrom(sql<number>`1`.as('one')));

/** What /metrics and /readyz ask of the database: cheap aggregates, counted when asked. */
export function metricsRepository(runner: QueryRunner) {
  return {
    /** Bytes of the stored contents some file still references (each content counted once). */
    async blobBytes(): Promise<number> {
      return Number((await storedBytes(runner, {})).rows[0]?.bytes ?? 0);
    },
    /** Login sessions in use: access tokens not expired at `now` and not revoked (one live per session). */
    async activeSessions(now: number): Promise<number> {
      return Number((await liveAccessTokens(runner, { now })).rows[0]?.n ?? 0);
    },
    /** A round trip to the database: throws when it cannot answer. */
    async ping(): Promise<void> {
      await one(runner, {});
    },
  };
}
