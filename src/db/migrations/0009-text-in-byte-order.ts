import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * On PostgreSQL, every text column compares in byte order (COLLATE "C"), as SQLite's do: the code
 * relies on it for ID order (the collection-album merge, cursors) and name-prefix ranges, and UTF-8
 * byte order is code point order. A database's default collation (en_US…) would order otherwise.
 * Nothing to do on SQLite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type = 'text' and table_name not like 'kysely%'
    order by table_name, column_name`.execute(db);
  for (const c of columns.rows) {
    await sql`alter table ${sql.id(c.table_name)} alter column ${sql.id(c.column_name)} type text collate "C"`.execute(db);
  }
}
