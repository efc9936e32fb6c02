import { sql, type Kysely, type Selectable, type Insertable, type SelectQueryBuilder } from 'kysely';
import { compiledPer, nameStatement, prepared, type QueryRunner } from '../query-runner.js';
import { chunks } from './chunks.js';
import type { DB, FilesTable } from '../schema.js';

export type FileRow = Selectable<FilesTable>;

/** What an album listing shows of a file: reading only these costs a third less than every column. */
export const ALBUM_FILE_COLUMNS = [
  'id',
  'take_time',
  'created_time',
  'edited_time',
  'owner_id',
  'name',
  'file_type',
  'mime_type',
  'size',
  'sha256',
  'width',
  'height',
  'duration',
  'parent_id',
  'container_id',
] as const;
export type AlbumFileRow = Pick<FileRow, (typeof ALBUM_FILE_COLUMNS)[number]>;

/**
 * The first string after every string that starts with `prefix`, in code point order (which is the
 * byte order of UTF-8, SQLite's and PostgreSQL's "C" order): its last character one higher, a
 * surrogate range skipped; none when every character is the highest.
 */
export function after(prefix: string): string | undefined {
  const chars = Array.from(prefix);
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return chars.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}

export type FileSortColumn = 'name' | 'size' | 'created_time' | 'edited_time' | 'take_time';

export interface FilePage {
  sort: FileSortColumn;
  desc: boolean;
  /** The last row of the previous page. */
  after?: { value: string | number | null; id: string } | undefined;
  limit: number;
  fileType?: string | undefined;
}

export function filesRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(row: Insertable<FilesTable>): Promise<void> {
      await db.insertInto('files').values(row).execute();
    },
    /** Many rows, a few hundred a statement (bulk loads: benches, imports of many rows). */
    async insertMany(rows: readonly Insertable<FilesTable>[]): Promise<void> {
      for (const part of chunks(rows, 400)) await db.insertInto('files').values(part).execute();
    },
    findById(id: string): Promise<FileRow | undefined> {
      return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findMany(ids: readonly string[]): Promise<FileRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('files').selectAll().where('id', 'in', ids).execute();
    },
    /** A keyset page of a folder's visible children: `(sort, id)` compared as a row value. */
    listChildren(parentId: string, page: FilePage): Promise<FileRow[]> {
      let q = db.selectFrom('files').selectAll().where('parent_id', '=', parentId).where('recycled', '=', 0);
      if (page.fileType !== undefined) q = q.where('file_type', '=', page.fileType);
      return pageOf(q, page);
    },
    /**
     * A keyset page of the visible files of these types directly in these folders (collection
     * albums): a merge of one index range per folder and type, each read a few rows at a time, so
     * a page costs the same whatever the size of the album and however deep it is.
     */
    async listInFolders(folderIds: readonly string[], fileTypes: readonly string[], page: FolderPage): Promise<AlbumFileRow[]> {
      const arms = folderIds.flatMap((folder) => fileTypes.map((type) => ({ folder, type })));
      if (arms.length === 0) return [];
      const ids = runner.dialect === 'postgres' ? await lateralPage(runner, arms, page) : await mergeArms(runner, arms, page);
      if (ids.length === 0) return [];
      const rows = new Map((await filesByIds(runner, ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id)!).filter(Boolean);
    },
    /**
     * The visible files of these types directly in those of these folders that are in `containerId`
     * (a folder's files are always in its space; a scope folder moved elsewhere counts no more).
     */
    async countInFolders(containerId: string, folderIds: readonly string[], fileTypes: readonly string[]): Promise<number> {
      if (folderIds.length === 0) return 0;
      const row = await db
        .selectFrom('files')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('parent_id', 'in', (eb) => eb.selectFrom('files as folder').select('folder.id').where('folder.id', 'in', folderIds).where('folder.container_id', '=', containerId))
        .where('recycled', '=', 0)
        .where('file_type', 'in', fileTypes)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** A keyset page of what was recycled directly (not what went along inside a folder). */
    listRecycleBin(containerId: string, page: FilePage): Promise<FileRow[]> {
      let q = db
        .selectFrom('files')
        .selectAll()
        .where('container_id', '=', containerId)
        .where('recycled_at', 'is not', null)
        .whereRef('recycled_with', '=', 'id');
      if (page.fileType !== undefined) q = q.where('file_type', '=', page.fileType);
      return pageOf(q, page);
    },
    /** Marks every file with this content as unreadable media (once decoding has failed). */
    async setMediaError(sha256: string, message: string): Promise<void> {
      await db.updateTable('files').set({ media_error: message }).where('sha256', '=', sha256).where('media_error', 'is', null).execute();
    },
    /** A file with this content in one of these spaces (what a rapid upload may copy). */
    withContent(sha256: string, size: number, containerIds: readonly string[]): Promise<FileRow | undefined> {
      if (containerIds.length === 0) return Promise.resolve(undefined);
      return db
        .selectFrom('files')
        .selectAll()
        .where('sha256', '=', sha256)
        .where('size', '=', size)
        .where('container_id', 'in', containerIds)
        .limit(1)
        .executeTakeFirst();
    },
    /** The item and everything below it (any depth), recycled or not; UNION ends even on a cycle. */
    async subtree(id: string): Promise<FileRow[]> {
      return db
        .withRecursive('tree(id)', (qc) =>
          qc
            .selectFrom('files')
            .select('id')
            .where('id', '=', id)
            .union(qc.selectFrom('files').innerJoin('tree', 'files.parent_id', 'tree.id').select('files.id')),
        )
        .selectFrom('files')
        .innerJoin('tree', 'tree.id', 'files.id')
        .selectAll('files')
        .execute();
    },
    /** Recycles what of these is still visible, with `rootId` as its group; returns what it changed. */
    async recycle(ids: readonly string[], rootId: string, at: number): Promise<string[]> {
      const changed: string[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .updateTable('files')
          .set({ recycled: 1, recycled_at: at, recycled_with: rootId })
          .where('id', 'in', ids.slice(i, i + 500))
          .where('recycled', '=', 0)
          .returning('id')
          .execute();
        for (const r of rows) changed.push(r.id);
      }
      return changed;
    },
    /** Brings back what one recycling took away; returns the rows as they now are. */
    restoreWith(rootId: string): Promise<FileRow[]> {
      return db.updateTable('files').set({ recycled: 0, recycled_at: null, recycled_with: null }).where('recycled_with', '=', rootId).returningAll().execute();
    },
    /** Every row of a space, recycled ones included. */
    inContainer(containerId: string): Promise<FileRow[]> {
      return db.selectFrom('files').selectAll().where('container_id', '=', containerId).execute();
    },
    /** Up to `limit` of a space's files (folders left out), recycled or not: their IDs and content. */
    someFilesIn(containerId: string, folderType: string, limit: number): Promise<Pick<FileRow, 'id' | 'sha256' | 'size'>[]> {
      return db.selectFrom('files').select(['id', 'sha256', 'size']).where('container_id', '=', containerId).where('file_type', '<>', folderType).limit(limit).execute();
    },
    async place(id: string, parentId: string, name: string, editedTime: number): Promise<void> {
      await db.updateTable('files').set({ parent_id: parentId, name, edited_time: editedTime }).where('id', '=', id).execute();
    },
    async rename(id: string, name: string, editedTime: number): Promise<void> {
      await db.updateTable('files').set({ name, edited_time: editedTime }).where('id', '=', id).execute();
    },
    async touch(id: string, editedTime: number): Promise<void> {
      await db.updateTable('files').set({ edited_time: editedTime }).where('id', '=', id).execute();
    },
    async setContainer(ids: readonly string[], containerId: string): Promise<void> {
      for (let i = 0; i < ids.length; i += 500) {
        await db.updateTable('files').set({ container_id: containerId }).where('id', 'in', ids.slice(i, i + 500)).execute();
      }
    },
    /** Deletes these rows; returns them as they were, so what follows counts only what went. */
    async deleteMany(ids: readonly string[]): Promise<FileRow[]> {
      const gone: FileRow[] = [];
      for (let i = 0; i < ids.length; i += 500) gone.push(...(await db.deleteFrom('files').where('id', 'in', ids.slice(i, i + 500)).returningAll().execute()));
      return gone;
    },
    /** Roots of what is in a space's recycle bin. */
    async recycledRoots(containerId: string): Promise<FileRow[]> {
      return db
        .selectFrom('files')
        .selectAll()
        .where('container_id', '=', containerId)
        .where('recycled_at', 'is not', null)
        .whereRef('recycled_with', '=', 'id')
        .execute();
    },
    /** Visible names in a folder that start with `prefix` (for choosing a free name). */
    async childNamesStartingWith(parentId: string, prefix: string): Promise<string[]> {
      const rows = await db
        .selectFrom('files')
        .select('name')
        .where('parent_id', '=', parentId)
        .where('recycled', '=', 0)
        .where('name', '>=', prefix)
        .$if(after(prefix) !== undefined, (q) => q.where('name', '<', after(prefix)!))
        .execute();
      return rows.map((r) => r.name);
    },
  };
}

/**
 * Rows by ID in one compiled statement whatever their number: the list travels as one JSON
 * parameter on SQLite, one array on PostgreSQL.
 */
const byIdsSqlite = prepared((db, p: { ids: string }) =>
  db.selectFrom('files').select(ALBUM_FILE_COLUMNS).where('id', 'in', sql<string>`(select value from json_each(${p.ids}))`),
);
const byIdsPostgres = prepared((db, p: { ids: string[] }) => db.selectFrom('files').select(ALBUM_FILE_COLUMNS).where(sql<boolean>`id = any(${p.ids})`));

async function filesByIds(runner: QueryRunner, ids: string[]): Promise<AlbumFileRow[]> {
  const result = runner.dialect === 'sqlite' ? await byIdsSqlite(runner, { ids: JSON.stringify(ids) }) : await byIdsPostgres(runner, { ids });
  return result.rows as AlbumFileRow[];
}

type FileQuery = SelectQueryBuilder<DB, 'files', FileRow>;

export interface FolderPage {
  sort: 'take_time' | 'created_time' | 'edited_time';
  desc: boolean;
  after?: { value: string | number | null; id: string } | undefined;
  limit: number;
}

type Key = { id: string; value: number };
type Arm = { folder: string; type: string };
type ArmParams = { folder: string; type: string; value: number; id: string };

/**
 * One folder's next rows of one type after a position, in sort order: a covering index range.
 * The limit and `recycled = 0` are written into the SQL: bound, they make SQLite run this at a
 * third of the speed (measured at 30 folders).
 */
function armSelect(db: Kysely<DB>, sort: FolderPage['sort'], desc: boolean, after: boolean, limit: number, p: ArmParams) {
  const op = desc ? '<' : '>';
  const dir = desc ? 'desc' : 'asc';
  let q = db
    .selectFrom('files')
    .select(['id', `${sort} as value`, 'parent_id', 'file_type'])
    .where('parent_id', '=', p.folder)
    .where('recycled', '=', sql.lit(0))
    .where('file_type', '=', p.type);
  if (after) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple(sort, 'id'), op, tuple(p.value as never, p.id)));
  return q.orderBy(sort, dir).orderBy('id', dir).limit(sql.lit(limit));
}

/**
 * The next rows of several arms in one statement (a UNION ALL of index ranges): one round trip into
 * SQLite instead of one per folder and kind, which is most of a page's cost at 30 folders.
 */
const armsQuery = compiledPer((key) => {
  const [sort, desc, after, n, limit] = key.split(':') as [FolderPage['sort'], string, string, string, string];
  return prepared((db, p: Record<string, string | number>) => {
    const arm = (i: number) =>
      db
        .selectFrom(
          armSelect(db, sort, desc === 'true', after === 'true', Number(limit), { folder: p[`f${i}`] as string, type: p[`t${i}`] as string, value: p.value as number, id: p.id as string }).as(`a${i}`),
        )
        .selectAll();
    let q = arm(0);
    for (let i = 1; i < Number(n); i++) q = q.unionAll(arm(i));
    return q;
  });
});

type ArmRow = { id: string; value: number | string; parent_id: string; file_type: string };

async function mergeArms(runner: QueryRunner, arms: Arm[], page: FolderPage): Promise<string[]> {
  const first = Math.max(4, Math.ceil((2 * page.limit) / arms.length));
  const before = (a: Key, b: Key): boolean =>
    a.value === b.value ? (page.desc ? a.id > b.id : a.id < b.id) : page.desc ? a.value > b.value : a.value < b.value;
  const keyOf = (r: ArmRow): Key => ({ id: r.id, value: Number(r.value) });
  const refill = async (arm: Arm, from: Key, limit: number): Promise<Key[]> => {
    const q = armsQuery(`${page.sort}:${page.desc}:true:1:${limit}`);
    const rows = (await q(runner, { f0: arm.folder, t0: arm.type, value: from.value, id: from.id })).rows as ArmRow[];
    return rows.map(keyOf);
  };
  const start = page.after ? { id: page.after.id, value: Number(page.after.value) } : undefined;
  const params: Record<string, string | number> = { value: start?.value ?? 0, id: start?.id ?? '' };
  arms.forEach((arm, i) => {
    params[`f${i}`] = arm.folder;
    params[`t${i}`] = arm.type;
  });
  const round = (await armsQuery(`${page.sort}:${page.desc}:${start !== undefined}:${arms.length}:${first}`)(runner, params)).rows as ArmRow[];
  const byArm = new Map<string, Key[]>();
  for (const r of round) {
    const k = `${r.parent_id}\n${r.file_type}`;
    const list = byArm.get(k);
    if (list) list.push(keyOf(r));
    else byArm.set(k, [keyOf(r)]);
  }
  const state = arms.map((arm) => {
    const rows = byArm.get(`${arm.folder}\n${arm.type}`) ?? [];
    return { arm, rows, pos: 0, more: rows.length === first, batch: first };
  });
  const out: string[] = [];
  while (out.length < page.limit) {
    let best: (typeof state)[number] | undefined;
    for (const s of state) {
      if (s.pos >= s.rows.length && s.more) {
        s.batch *= 2;
        const rows = await refill(s.arm, s.rows[s.rows.length - 1]!, s.batch);
        s.rows = rows;
        s.pos = 0;
        s.more = rows.length === s.batch;
      }
      if (s.pos < s.rows.length && (!best || before(s.rows[s.pos]!, best.rows[best.pos]!))) best = s;
    }
    if (!best) break;
    out.push(best.rows[best.pos]!.id);
    best.pos += 1;
  }
  return out;
}

/**
 * PostgreSQL: the page in one statement of fixed shape (the arms as two arrays), each arm's next rows
 * read from its index range in a LATERAL join and the outer ORDER BY merging them. A UNION ALL of 60
 * arms costs PostgreSQL tens of milliseconds to plan on every call; this plans in well under one.
 */
async function lateralPage(runner: QueryRunner, arms: Arm[], page: FolderPage): Promise<string[]> {
  const column = sql.ref(`files.${page.sort}`);
  const dir = sql.raw(page.desc ? 'desc' : 'asc');
  const op = sql.raw(page.desc ? '<' : '>');
  const after = page.after ? sql`and (${column}, files.id) ${op} (${Number(page.after.value)}::bigint, ${page.after.id}::text)` : sql``;
  const query = sql<{ id: string }>`
    select f.id from unnest(${arms.map((a) => a.folder)}::text[], ${arms.map((a) => a.type)}::text[]) as s(folder, type)
    cross join lateral (
      select files.id, ${column} as value from files
      where files.parent_id = s.folder and files.recycled = 0 and files.file_type = s.type ${after}
      order by ${column} ${dir}, files.id ${dir} limit ${sql.lit(page.limit)}
    ) f
    order by f.value ${dir}, f.id ${dir} limit ${sql.lit(page.limit)}`;
  const compiled = query.compile(runner.db);
  // Its text varies only with the sort, direction, first-or-later page and page size.
  nameStatement(compiled.sql);
  const result = await runner.execute(compiled);
  return result.rows.map((r) => r.id);
}

function pageOf(q: FileQuery, page: FilePage): Promise<FileRow[]> {
  const op = page.desc ? '<' : '>';
  const dir = page.desc ? 'desc' : 'asc';
  if (page.after) {
    const { value, id } = page.after;
    q = q.where(({ eb, refTuple, tuple }) => eb(refTuple(page.sort, 'id'), op, tuple(value as never, id)));
  }
  return q.orderBy(page.sort, dir).orderBy('id', dir).limit(page.limit).execute();
}
