import { createHash } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { createStore, type Store } from '../../src/db/database.js';

/**
 * Which database the tests run on (ALBUMD_TEST_DATABASE: sqlite, the default, or postgres), and on
 * PostgreSQL a database per data directory in the server ALBUMD_TEST_PG_URL names: a test app, a
 * spawned server and a CLI run given the same data directory share one database, as they would share
 * one SQLite file; test files run in parallel without sharing rows.
 */
export const testDialect = (): 'sqlite' | 'postgres' => (process.env.ALBUMD_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite');

function admin(): string {
  const url = process.env.ALBUMD_TEST_PG_URL;
  if (!url) throw new Error('ALBUMD_TEST_DATABASE=postgres needs ALBUMD_TEST_PG_URL (postgres://user@host:port/postgres)');
  return url;
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const nameFor = (dataDir: string): string => `albumd_t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;

/** The URL of the data directory's database, made on first use. */
export async function postgresUrlFor(dataDir: string): Promise<string> {
  const name = nameFor(dataDir);
  await onServer(`create database ${name}`).catch((error: unknown) => {
    // 42P04: it exists already (a restart on the same data directory).
    if ((error as { code?: string }).code !== '42P04') throw error;
  });
  const url = new URL(admin());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresFor(dataDir: string): Promise<void> {
  await onServer(`drop database if exists ${nameFor(dataDir)} with (force)`);
}

/** What a spawned server or CLI needs beside ALBUMD_DATA_DIR to find the same database. */
export async function databaseEnv(env: Record<string, string>): Promise<Record<string, string>> {
  if (testDialect() !== 'postgres' || env.ALBUMD_DATABASE_URL || !env.ALBUMD_DATA_DIR) return {};
  return { ALBUMD_DATABASE_URL: await postgresUrlFor(env.ALBUMD_DATA_DIR) };
}

/** A store on the data directory's database (what a spawned server or CLI there uses). */
export async function storeFor(dataDir: string): Promise<Store> {
  return createStore(
    testDialect() === 'postgres' ? { dialect: 'postgres', url: await postgresUrlFor(dataDir), pool: 4 } : { dialect: 'sqlite', file: path.join(dataDir, 'albumd.sqlite') },
  );
}
