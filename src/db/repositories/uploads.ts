import type { Insertable, Selectable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { UploadPartsTable, UploadsTable } from '../schema.js';

export type UploadRow = Selectable<UploadsTable>;
export type UploadPartRow = Selectable<UploadPartsTable>;

export function uploadsRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(row: Insertable<UploadsTable>): Promise<void> {
      await db.insertInto('uploads').values(row).execute();
    },
    find(id: string): Promise<UploadRow | undefined> {
      return db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
    },
    parts(uploadId: string): Promise<UploadPartRow[]> {
      return db.selectFrom('upload_parts').selectAll().where('upload_id', '=', uploadId).orderBy('part_number').execute();
    },
    /**
     * Records a received part unless the upload is gone or being completed (a claim before
     * `claimsBefore` is a stopped process's and holds nothing; then `undefined`: the
     * caller drops the bytes). `replaced` is the part it takes the place of, whose bytes can go.
     */
    async putPart(part: UploadPartRow, claimsBefore: number): Promise<{ replaced?: UploadPartRow } | undefined> {
      const open = await db
        .selectFrom('uploads')
        .select('id')
        .where('id', '=', part.upload_id)
        .where((eb) => eb.or([eb('completing_at', 'is', null), eb('completing_at', '<', claimsBefore)]))
        .executeTakeFirst();
      if (!open) return undefined;
      const old = await db
        .selectFrom('upload_parts')
        .selectAll()
        .where('upload_id', '=', part.upload_id)
        .where('part_number', '=', part.part_number)
        .executeTakeFirst();
      if (old) {
        await db
          .updateTable('upload_parts')
          .set({ size: part.size, sha256: part.sha256, path: part.path })
          .where('upload_id', '=', part.upload_id)
          .where('part_number', '=', part.part_number)
          .execute();
        return { replaced: old };
      }
      await db.insertInto('upload_parts').values(part).execute();
      return {};
    },
    /**
     * Takes an upload for completion: only one caller gets it (a claim older than `staleBefore` is
     * from a process that stopped mid-way and may be taken again). From then on its parts do not change.
     */
    claim(id: string, at: number, staleBefore: number): Promise<UploadRow | undefined> {
      return db
        .updateTable('uploads')
        .set({ completing_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('completing_at', 'is', null), eb('completing_at', '<', staleBefore)]))
        .returningAll()
        .executeTakeFirst();
    },
    /** Bytes announced by the uploads into a space that have not expired (what they may still add). */
    async pendingBytes(containerId: string, now: number): Promise<number> {
      const row = await db
        .selectFrom('uploads')
        .select((eb) => eb.fn.sum<number | string | null>('length').as('n'))
        .where('container_id', '=', containerId)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    /**
     * Drops the unfinished uploads into a space (of one user, or of everyone) that no complete holds:
     * a member removed from a family, a family deleted. Returns their IDs, whose parts then go.
     */
    async dropInContainer(containerId: string, userId?: string): Promise<string[]> {
      let query = db.selectFrom('uploads').select('id').where('container_id', '=', containerId).where('completing_at', 'is', null);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const ids = (await query.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      await db.deleteFrom('upload_parts').where('upload_id', 'in', ids).execute();
      await db.deleteFrom('uploads').where('id', 'in', ids).execute();
      return ids;
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('upload_parts').where('upload_id', '=', id).execute();
      await db.deleteFrom('uploads').where('id', '=', id).execute();
    },
    /** Uploads expired by `time` that no complete holds (a claim before `claimsBefore` holds nothing). */
    async expiredBefore(time: number, claimsBefore: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('uploads')
        .select('id')
        .where('expires_at', '<', time)
        .where((eb) => eb.or([eb('completing_at', 'is', null), eb('completing_at', '<', claimsBefore)]))
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
