/**
 * Which database a bench runs on: SQLite in its data directory (the default), or a fresh PostgreSQL
 * database when BENCH_PG_URL names a server the bench may create databases in
 * (`BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- albums`).
 */
import pg from 'pg';

export async function benchDatabaseEnv(): Promise<Record<string, string>> {
  const admin = process.env.BENCH_PG_URL;
  if (!admin) return {};
  const name = `albumd_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { ALBUMD_DATABASE_URL: url.toString() };
}

export const benchDialect = (): string => (process.env.BENCH_PG_URL ? 'PostgreSQL' : 'SQLite');
