import type { QueryRunner } from '../query-runner.js';

const WORKER_IDS = 1024;

/** Leases of snowflake worker IDs, so that processes sharing a database never issue the same ID. */
export function workersRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    /**
     * Takes the first free worker ID in the given order (lowest first for servers, highest first for
     * short-lived commands); undefined when all are held.
     */
    async lease(holder: string, now: number, ttlMs: number, highestFirst: boolean): Promise<number | undefined> {
      await db.deleteFrom('worker_leases').where('expires_at', '<', now).execute();
      const held = new Set(
        (await db.selectFrom('worker_leases').select('worker_id').execute()).map((r) => Number(r.worker_id)),
      );
      for (let i = 0; i < WORKER_IDS; i++) {
        const id = highestFirst ? WORKER_IDS - 1 - i : i;
        if (held.has(id)) continue;
        await db.insertInto('worker_leases').values({ worker_id: id, holder, expires_at: now + ttlMs }).execute();
        return id;
      }
      return undefined;
    },
    async renew(workerId: number, holder: string, expiresAt: number): Promise<boolean> {
      const r = await db
        .updateTable('worker_leases')
        .set({ expires_at: expiresAt })
        .where('worker_id', '=', workerId)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async release(workerId: number, holder: string): Promise<void> {
      await db.deleteFrom('worker_leases').where('worker_id', '=', workerId).where('holder', '=', holder).execute();
    },
  };
}
