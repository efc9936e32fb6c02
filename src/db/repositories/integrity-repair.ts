import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../schema.js';
import { collectionCount, count, coverOf, itemDiffers, membersOf, ownedAlbums, refsOf, usageOf, zero, type Eb, type IntegrityRules } from './integrity-sql.js';

/**
 * The rows a repair may touch, by kind (blob sha256, space, album, the file of a membership row,
 * user, family IDs): a short transaction for what a check found. A kind left out is not touched;
 * 'all' takes every row (a check whose listing was cut short).
 */
export type RepairTargets = 'all' | { blobs?: string[]; spaces?: string[]; itemAlbums?: string[]; itemFiles?: string[]; albums?: string[]; users?: string[]; families?: string[] };

type Within = <D, T extends keyof D>(eb: ExpressionBuilder<D, T>, column: string) => Expression<SqlBool>;
type Result = { numUpdatedRows?: bigint; numDeletedRows?: bigint; numInsertedOrUpdatedRows?: bigint | undefined };

/**
 * Sets derived values from the rows, inside each statement (so right whatever changed since the
 * check), in the caller's one transaction; how many rows each statement changed, by check name.
 * It never deletes a file row nor touches a blob file: only counts, marks, covers, and membership
 * rows of files or albums that are gone.
 */
export async function repairDerived(db: Kysely<DB>, rules: IntegrityRules, now: number, targets: RepairTargets): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const step = async (name: string, kind: Exclude<keyof Exclude<RepairTargets, 'all'>, undefined>, run: (within: Within) => Promise<Result>) => {
    const ids = targets === 'all' ? undefined : (targets[kind] ?? []);
    out[name] ??= 0;
    if (ids !== undefined && ids.length === 0) return;
    const within: Within = (eb, column) => (ids === undefined ? sql<SqlBool>`1 = 1` : eb(sql.ref(column), 'in', ids));
    const r = await run(within);
    out[name] += Number(r.numUpdatedRows ?? r.numDeletedRows ?? r.numInsertedOrUpdatedRows ?? 0);
  };

  await step('blob-row-missing', 'blobs', (within) =>
    db
      .insertInto('blobs')
      .columns(['sha256', 'size', 'ref_count', 'unreferenced_since', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('files')
          .select((e) => ['files.sha256', e.fn.min('files.size').as('size'), count().as('ref_count'), sql.lit(null).as('unreferenced_since'), sql.lit(now).as('created_at')])
          .where('files.sha256', 'is not', null)
          .where((e) => within(e, 'files.sha256'))
          .where('files.sha256', 'not in', (e) => e.selectFrom('blobs as kb').select('kb.sha256'))
          .groupBy('files.sha256'),
      )
      .executeTakeFirst(),
  );
  await step('blob-ref-count', 'blobs', (within) =>
    db
      .updateTable('blobs')
      .set((eb) => ({ ref_count: refsOf(eb) }))
      .where((eb) => eb.and([within(eb, 'blobs.sha256'), eb(refsOf(eb), '<>', eb.ref('blobs.ref_count'))]))
      .executeTakeFirst(),
  );
  // The sweep's clock: set when no file uses the content (from now: its grace starts again).
  await step('blob-unreferenced-mark', 'blobs', (within) =>
    db.updateTable('blobs').set({ unreferenced_since: now }).where((eb) => within(eb, 'blobs.sha256')).where('ref_count', '<=', 0).where('unreferenced_since', 'is', null).executeTakeFirst(),
  );
  await step('blob-unreferenced-mark', 'blobs', (within) =>
    db.updateTable('blobs').set({ unreferenced_since: null }).where((eb) => within(eb, 'blobs.sha256')).where('ref_count', '>', 0).where('unreferenced_since', 'is not', null).executeTakeFirst(),
  );
  // A size only when every file with the content agrees on it: otherwise it is not derived.
  const sizes = (eb: Eb<'blobs'>, fn: 'min' | 'max') => eb.selectFrom('files as sf').select((e) => e.fn[fn]('sf.size').as('s')).whereRef('sf.sha256', '=', 'blobs.sha256');
  await step('blob-size', 'blobs', (within) =>
    db
      .updateTable('blobs')
      .set((eb) => ({ size: sizes(eb, 'min') }))
      .where((eb) => eb.and([within(eb, 'blobs.sha256'), eb(sizes(eb, 'min'), '=', sizes(eb, 'max')), eb(sizes(eb, 'min'), '<>', eb.ref('blobs.size'))]))
      .executeTakeFirst(),
  );
  await step('space-used-bytes', 'spaces', (within) =>
    db
      .updateTable('containers')
      .set((eb) => ({ used_bytes: usageOf(eb) }))
      .where((eb) => eb.and([within(eb, 'containers.id'), eb(usageOf(eb), '<>', eb.ref('containers.used_bytes'))]))
      .executeTakeFirst(),
  );
  await step('album-item-vanished', 'itemAlbums', (within) =>
    db
      .deleteFrom('album_items')
      .where((eb) => within(eb, 'album_items.album_id'))
      .where((eb) =>
        eb.or([
          eb('album_items.file_id', 'not in', eb.selectFrom('files').select('files.id')),
          eb('album_items.album_id', 'not in', eb.selectFrom('albums').select('albums.id')),
        ]),
      )
      .executeTakeFirst(),
  );
  const fileOf = (eb: Eb<'album_items'>) => eb.selectFrom('files').whereRef('files.id', '=', 'album_items.file_id');
  await step('album-item-columns', 'itemFiles', (within) =>
    db
      .updateTable('album_items')
      .set((eb) => ({
        visible: fileOf(eb).select((e) => e.case().when('files.recycled', '=', 0).then(sql.lit(1)).else(zero).end().as('v')),
        take_time: fileOf(eb).select((e) => e.fn.coalesce('files.take_time', 'files.created_time').as('v')),
        edited_time: fileOf(eb).select('files.edited_time'),
        file_type: fileOf(eb).select('files.file_type'),
      }))
      .where((eb) => within(eb, 'album_items.file_id'))
      .where((eb) => eb.exists(fileOf(eb).select('files.id').where((e) => itemDiffers(e))))
      .executeTakeFirst(),
  );
  await step('album-counts', 'albums', (within) =>
    db
      .updateTable('albums')
      .set((eb) => ({ item_count: membersOf(eb, true), member_count: membersOf(eb, false) }))
      .where('albums.album_type', '=', rules.manualType)
      .where((eb) => within(eb, 'albums.id'))
      .where((eb) => eb.or([eb(membersOf(eb, true), '<>', eb.ref('albums.item_count')), eb(membersOf(eb, false), '<>', eb.ref('albums.member_count'))]))
      .executeTakeFirst(),
  );
  await step('collection-count', 'albums', (within) =>
    db
      .updateTable('albums')
      .set((eb) => ({ item_count: collectionCount(eb, rules) }))
      .where('albums.album_type', '=', rules.collectionType)
      .where((eb) => within(eb, 'albums.id'))
      .where((eb) => eb(collectionCount(eb, rules), '<>', eb.ref('albums.item_count')))
      .executeTakeFirst(),
  );
  await step('album-cover', 'albums', (within) =>
    db
      .updateTable('albums')
      .set((eb) => ({ cover_file_id: coverOf(eb, rules) }))
      .where((eb) => within(eb, 'albums.id'))
      .where((eb) => eb(eb.fn.coalesce('albums.cover_file_id', sql.lit('')), '<>', eb.fn.coalesce(coverOf(eb, rules), sql.lit(''))))
      .executeTakeFirst(),
  );
  await step('owner-album-count', 'users', (within) =>
    db
      .updateTable('users')
      .set((eb) => ({ album_count: ownedAlbums(eb, 'users.id', rules.personalKind) }))
      .where((eb) => within(eb, 'users.id'))
      .where((eb) => eb(ownedAlbums(eb, 'users.id', rules.personalKind), '<>', eb.ref('users.album_count')))
      .executeTakeFirst(),
  );
  await step('owner-album-count', 'families', (within) =>
    db
      .updateTable('families')
      .set((eb) => ({ album_count: ownedAlbums(eb, 'families.group_id', rules.sharedKind) }))
      .where((eb) => within(eb, 'families.group_id'))
      .where((eb) => eb(ownedAlbums(eb, 'families.group_id', rules.sharedKind), '<>', eb.ref('families.album_count')))
      .executeTakeFirst(),
  );
  return out;
}
