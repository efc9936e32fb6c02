import type { Insertable, Selectable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { JobsTable } from '../schema.js';

export type JobRow = Selectable<JobsTable>;

export function jobsRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(row: Insertable<JobsTable>): Promise<void> {
      await db.insertInto('jobs').values(row).execute();
    },
    /** Newest first. */
    async list(userId: string, filter: { taskType?: number; status?: number }, offset: number, limit: number) {
      let q = db.selectFrom('jobs').where('user_id', '=', userId);
      if (filter.taskType !== undefined) q = q.where('task_type', '=', filter.taskType);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
        q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },
  };
}
