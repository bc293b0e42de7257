import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/storage/database.js';
import { postgresTestUrl, type PostgresTarget } from './test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresTarget;
  }
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL suites' one setup: against the server at WEAVER_TEST_POSTGRES_URL (or the local one on
 * 127.0.0.1:5432), a migrated template database that each test copies; where no server answers, PGlite (PostgreSQL
 * compiled to WebAssembly, in the test process). Says which ran.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = postgresTestUrl();
  if (!(await reachable(url))) {
    console.log(`PostgreSQL suites: no server at ${new URL(url).host}; running them on PGlite (embedded PostgreSQL)`);
    project.provide('postgres', { kind: 'pglite' });
    return async () => undefined;
  }
  const run = `weaver_${process.pid}_${Date.now().toString(36)}`;
  const template = `${run}_template`;
  const admin = new pg.Client(url);
  await admin.connect();
  await admin.query(`create database "${template}"`);
  const db = openDatabase(withDatabase(url, template));
  await migrateToLatest(db);
  await db.destroy();
  console.log(
    `PostgreSQL suites: running on the server at ${new URL(url).host} (${(await admin.query<{ server_version: string }>('show server_version')).rows[0]!.server_version})`,
  );
  project.provide('postgres', { kind: 'server', url, template, run });
  return async () => {
    const left = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${run}%`]);
    for (const { datname } of left.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
