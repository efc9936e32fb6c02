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
    /** Records a received part; the part it replaces, if any, is returned so its bytes can go. */
    async putPart(part: UploadPartRow): Promise<UploadPartRow | undefined> {
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
      } else await db.insertInto('upload_parts').values(part).execute();
      return old;
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('upload_parts').where('upload_id', '=', id).execute();
      await db.deleteFrom('uploads').where('id', '=', id).execute();
    },
    async expiredBefore(time: number, limit: number): Promise<string[]> {
      const rows = await db.selectFrom('uploads').select('id').where('expires_at', '<', time).limit(limit).execute();
      return rows.map((r) => r.id);
    },
  };
}
