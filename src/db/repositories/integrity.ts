import type { QueryRunner } from '../query-runner.js';
import { count, usageOf, zero, type IntegrityRules } from './integrity-sql.js';
import { albumChecks } from './integrity-albums.js';
import { treeChecks } from './integrity-tree.js';
import { repairDerived, type RepairTargets } from './integrity-repair.js';

export type { IntegrityRules } from './integrity-sql.js';
export type { RepairTargets } from './integrity-repair.js';

/**
 * The integrity checker's queries (bin/albumd check): every derived value recomputed from the rows
 * in one set-based statement (GROUP BY, anti-joins), never one query per row, so a library of a
 * million files is checked in seconds. Each check returns only the rows that disagree, at most
 * `limit`; each repair sets the derived value from the rows inside the statement itself, so it is
 * right whatever changed since the check. Portable SQL only (it must run on PostgreSQL too).
 */
export function integrityRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    ...albumChecks(db),
    ...treeChecks(db),
    async totals() {
      const one = async (table: 'files' | 'blobs' | 'albums' | 'containers' | 'album_items') =>
        Number((await db.selectFrom(table).select(count().as('n')).executeTakeFirstOrThrow()).n);
      return { files: await one('files'), blobs: await one('blobs'), albums: await one('albums'), spaces: await one('containers'), albumItems: await one('album_items') };
    },

    /** Blob rows whose count, size or unreferenced mark disagrees with the files using the content. */
    blobCounts(limit: number) {
      return db
        .selectFrom('blobs')
        .leftJoin(
          (eb) =>
            eb
              .selectFrom('files')
              .select((e) => ['files.sha256', count().as('n'), e.fn.min('files.size').as('min_size'), e.fn.max('files.size').as('max_size'), e.fn.min('files.id').as('example')])
              .where('files.sha256', 'is not', null)
              .groupBy('files.sha256')
              .as('r'),
          (join) => join.onRef('r.sha256', '=', 'blobs.sha256'),
        )
        .select(['blobs.sha256', 'blobs.size', 'blobs.ref_count', 'blobs.unreferenced_since', 'r.n', 'r.min_size', 'r.max_size', 'r.example'])
        .where((eb) =>
          eb.or([
            eb(eb.fn.coalesce('r.n', zero), '<>', eb.ref('blobs.ref_count')),
            eb('r.min_size', '<>', eb.ref('blobs.size')),
            eb('r.max_size', '<>', eb.ref('blobs.size')),
            eb.and([eb('r.n', 'is', null), eb('blobs.unreferenced_since', 'is', null)]),
            eb.and([eb('r.n', 'is not', null), eb('blobs.unreferenced_since', 'is not', null)]),
          ]),
        )
        .limit(limit)
        .execute();
    },

    /** Content files use but the blob table has no row for (the sweep would take it for an orphan). */
    contentWithoutRow(limit: number) {
      return db
        .selectFrom('files')
        .leftJoin('blobs', 'blobs.sha256', 'files.sha256')
        .select((eb) => ['files.sha256', count().as('n'), eb.fn.min('files.id').as('example'), eb.fn.min('files.size').as('size')])
        .where('files.sha256', 'is not', null)
        .where('blobs.sha256', 'is', null)
        .groupBy('files.sha256')
        .orderBy('files.sha256')
        .limit(limit)
        .execute();
    },

    /**
     * A keyset page of blob rows for the merge with the store, each with whether a file uses it
     * (read from the sha256 index alone: a million rows page through in seconds).
     */
    blobPage(after: string, limit: number) {
      return db
        .selectFrom('blobs')
        .select((eb) => ['blobs.sha256', 'blobs.size', eb.exists(eb.selectFrom('files').select('files.sha256').whereRef('files.sha256', '=', 'blobs.sha256')).as('used')])
        .where('blobs.sha256', '>', after)
        .orderBy('blobs.sha256')
        .limit(limit)
        .execute();
    },

    /** Spaces whose used bytes are not the sum of their content files' sizes (recycled included). */
    spaceUsage(limit: number) {
      return db
        .selectFrom('containers')
        .select((eb) => ['containers.id', 'containers.used_bytes', usageOf(eb).as('actual')])
        .where((eb) => eb(usageOf(eb), '<>', eb.ref('containers.used_bytes')))
        .orderBy('containers.id')
        .limit(limit)
        .execute();
    },

    /** Spaces that are missing, with the files still naming them. */
    filesOfMissingSpaces(limit: number) {
      return db
        .selectFrom('files')
        .select((eb) => ['files.container_id', count().as('n'), eb.fn.min('files.id').as('example')])
        .where('files.container_id', 'not in', (eb) => eb.selectFrom('containers').select('containers.id'))
        .groupBy('files.container_id')
        .limit(limit)
        .execute();
    },

    /** Part rows of uploads that are gone. */
    partsWithoutUpload(limit: number) {
      return db
        .selectFrom('upload_parts')
        .select(['upload_parts.upload_id', count().as('n')])
        .where('upload_parts.upload_id', 'not in', (eb) => eb.selectFrom('uploads').select('uploads.id'))
        .groupBy('upload_parts.upload_id')
        .limit(limit)
        .execute();
    },

    expiredUploads(now: number, limit: number) {
      return db.selectFrom('uploads').select(['uploads.id', 'uploads.file_id', 'uploads.expires_at']).where('uploads.expires_at', '<', now).limit(limit).execute();
    },

    /** Which of these uploads exist. */
    async uploadsAmong(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      return new Set((await db.selectFrom('uploads').select('uploads.id').where('uploads.id', 'in', ids).execute()).map((r) => r.id));
    },

    /** A keyset page of part rows (upload, part number). */
    partPage(after: { uploadId: string; part: number }, limit: number) {
      return db
        .selectFrom('upload_parts')
        .select(['upload_parts.upload_id', 'upload_parts.part_number', 'upload_parts.path'])
        .where(({ eb, refTuple, tuple }) => eb(refTuple('upload_parts.upload_id', 'upload_parts.part_number'), '>', tuple(after.uploadId, after.part)))
        .orderBy('upload_parts.upload_id')
        .orderBy('upload_parts.part_number')
        .limit(limit)
        .execute();
    },

    repair: (rules: IntegrityRules, now: number, targets: RepairTargets = 'all') => repairDerived(db, rules, now, targets),
  };
}

export type IntegrityRepository = ReturnType<typeof integrityRepository>;
