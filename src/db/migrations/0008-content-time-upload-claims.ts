import { sql, type Kysely } from 'kysely';

/**
 * `files.media_time`: the shooting time the content itself carries (EXIF, XMP, the container), null
 * when it has none. `take_time` may instead come from the request's createdTime, which is that
 * file's own: a rapid upload copies only what came from the bytes.
 * Earlier `media_error` texts quoted the decoder, server paths included: one short reason instead.
 * `uploads.completing_at`: set by the one `files/complete` that claimed the upload, so a second
 * complete or a late part PUT cannot act on parts that are being assembled.
 */
/** The reasons of src/media/errors.ts as they were when this ran (a migration never changes after). */
const REASONS = [
  'corrupt or truncated image',
  'unsupported image format',
  'unsupported HEIC variant',
  'image exceeds the pixel limit',
  'image decoding timed out',
  'unreadable video container',
  'unreadable media',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('files').addColumn('media_time', 'bigint').execute();
  // Earlier rows kept no trace of where take_time came from; one that differs from createdTime was read from the bytes.
  await sql`update files set media_time = take_time where take_time is not null and take_time <> created_time`.execute(db);
  await db.schema.alterTable('uploads').addColumn('completing_at', 'bigint').execute();
  // Uploads under way count against their space's quota.
  await db.schema.createIndex('uploads_container').on('uploads').columns(['container_id', 'expires_at']).execute();
  await sql`update files set media_error = 'unreadable media' where media_error is not null and media_error not in (${sql.join(REASONS)})`.execute(db);
}

