import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from '../schema.js';

/**
 * How each derived value is computed from the rows, written once for both the checks (which
 * compare) and the repairs (which set): portable SQL only, it must run on PostgreSQL too.
 */

/** The domain's rules the queries need (the repository knows no file types or album kinds). */
export interface IntegrityRules {
  folderType: string;
  /** A manual album's cover is its earliest-added visible file of this type. */
  coverType: string;
  mediaTypes: readonly string[];
  manualType: number;
  collectionType: number;
  personalKind: number;
  sharedKind: number;
  /** The file types each scope_kind value of a collection album takes. */
  scopeKinds: Readonly<Record<string, readonly string[]>>;
}

export type Eb<T extends keyof DB> = ExpressionBuilder<DB, T>;
export const zero = sql.lit(0);
/** count(*) typed as a number (drivers may hand it over as a string or bigint: read it with Number). */
export const count = () => sql<number>`count(*)`;

/** Files whose type a collection album of that scope kind takes (by column names). */
export const kindMatch = <D, T extends keyof D>(eb: ExpressionBuilder<D, T>, rules: IntegrityRules, kind: string, type: string): Expression<SqlBool> =>
  eb.or(Object.entries(rules.scopeKinds).map(([k, types]) => eb.and([eb(sql.ref(kind), '=', k), eb(sql.ref(type), 'in', [...types])])));

/**
 * How many visible files of its kinds are directly in an album's scope folders that are in its own
 * space: what the album's listing shows (albums.liveScopeOf, files.listInFolders). A file in
 * another space than its folder is a tree finding; asking it here too made SQLite scan the space.
 */
export const collectionCount = (eb: Eb<'albums'>, rules: IntegrityRules) =>
  eb
    .selectFrom('album_scope_dirs as d')
    .innerJoin('files as dir', 'dir.id', 'd.folder_id')
    .innerJoin('files as cf', 'cf.parent_id', 'd.folder_id')
    .select(count().as('n'))
    .whereRef('d.album_id', '=', 'albums.id')
    .whereRef('dir.container_id', '=', 'albums.container_id')
    .where('cf.recycled', '=', 0)
    .where((e) => kindMatch(e, rules, 'albums.scope_kind', 'cf.file_type'));

/** A manual album's earliest-added visible image (albumItems.firstImage, read from the files). */
export const coverOf = (eb: Eb<'albums'>, rules: IntegrityRules) =>
  eb
    .case()
    .when('albums.album_type', '=', rules.manualType)
    .then(
      eb
        .selectFrom('album_items as ci')
        .innerJoin('files as cf', 'cf.id', 'ci.file_id')
        .select('ci.file_id')
        .whereRef('ci.album_id', '=', 'albums.id')
        .where('cf.recycled', '=', 0)
        .where('cf.file_type', '=', rules.coverType)
        .orderBy('ci.add_time')
        .orderBy('ci.file_id')
        .limit(1),
    )
    .else(null)
    .end();

export const membersOf = (eb: Eb<'albums'>, visibleOnly: boolean) => {
  let q = eb.selectFrom('album_items as mi').innerJoin('files as mf', 'mf.id', 'mi.file_id').select(count().as('n')).whereRef('mi.album_id', '=', 'albums.id');
  if (visibleOnly) q = q.where('mf.recycled', '=', 0);
  return q;
};

export const refsOf = (eb: Eb<'blobs'>) => eb.selectFrom('files as rf').select(count().as('n')).whereRef('rf.sha256', '=', 'blobs.sha256');
export const usageOf = (eb: Eb<'containers'>) =>
  eb.fn.coalesce(eb.selectFrom('files as uf').select((e) => e.fn.sum<number>('uf.size').as('n')).whereRef('uf.container_id', '=', 'containers.id').where('uf.sha256', 'is not', null), zero);
export const ownedAlbums = (eb: ExpressionBuilder<DB, 'users' | 'families'>, owner: 'users.id' | 'families.group_id', kind: number) =>
  eb.selectFrom('albums as oa').select(count().as('n')).whereRef('oa.owner_id', '=', owner).where('oa.album_kind', '=', kind);

/** The item's visibility, shooting time, edit time and type as the album row should carry them. */
export const itemDiffers = (eb: ExpressionBuilder<DB, 'album_items' | 'files'>) =>
  eb.or([
    eb('album_items.visible', '<>', eb.case().when('files.recycled', '=', 0).then(sql.lit(1)).else(zero).end()),
    eb('album_items.take_time', '<>', eb.fn.coalesce('files.take_time', 'files.created_time')),
    eb('album_items.edited_time', '<>', eb.ref('files.edited_time')),
    eb('album_items.file_type', '<>', eb.ref('files.file_type')),
  ]);
