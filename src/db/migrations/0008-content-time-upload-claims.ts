import { sql, type Kysely } from 'kysely';

/**
 * `files.media_time`: the shooting time the content itself carries (EXIF, XMP, the container), null
 * when it has none. `take_time` may instead come from the request's createdTime, which is that
 * file's own: a rapid upload copies only what came from the bytes.
 * `uploads.completing_at`: set by the one `files/complete` that claimed the upload, so a second
 * complete or a late part PUT cannot act on parts that are being assembled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').addColumn('media_time', 'bigint').execute();
  // Earlier rows kept no trace of where take_time came from; one that differs from createdTime was read from the bytes.
  await sql`update files set media_time = take_time where take_time is not null and take_time <> created_time`.execute(db);
  await db.schema.alterTable('uploads').addColumn('completing_at', 'bigint').execute();
}

