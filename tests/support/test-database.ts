import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';
import { migrateToLatest, openDatabase, openMigratedDatabase, type Db } from '../../src/storage/database.js';
import { PortableSchemaPlugin } from '../../src/storage/postgres.js';
import type { Database } from '../../src/storage/schema.js';

/**
 * The engine under test: SQLite by default; PostgreSQL in the `postgres` project of vitest.config.ts, which runs the
 * core and storage suites again on a server (or on PGlite where none answers).
 */
export const testEngine: 'sqlite' | 'postgres' = process.env.WEAVER_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

export type PostgresTarget = { kind: 'server'; url: string; template: string; run: string } | { kind: 'pglite' };

export function postgresTestUrl(): string {
  return process.env.WEAVER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'weaver-test-')), 'weaver.db');
}

/** Where a new, empty, migrated database for one test lives: a SQLite file, or a PostgreSQL database. */
export async function newTestDatabase(): Promise<string> {
  if (testEngine === 'sqlite') return tempDatabasePath();
  const target = inject('postgres');
  return target.kind === 'server' ? copyTemplate(target) : resetPglite();
}

/** Opens (and, on SQLite, migrates) the database at `location`, closed again when the test or file ends. */
export async function openTestDatabase(location?: string): Promise<Db> {
  const at = location ?? (await newTestDatabase());
  if (at.startsWith('pglite:')) return openPglite();
  const db = at.startsWith('postgres') ? openDatabase(at) : await openMigratedDatabase(at);
  if (at.startsWith('postgres')) closeAfterwards(db);
  return db;
}

/** A database with nothing in it, not even the migrations: for the migrations' own tests. */
export async function unmigratedTestDatabase(): Promise<Db> {
  if (testEngine === 'sqlite') return openDatabase(tempDatabasePath());
  const target = inject('postgres');
  if (target.kind === 'pglite') {
    const db = kyselyOn(await pglite());
    await sql`drop schema public cascade`.execute(db);
    await sql`create schema public`.execute(db);
    liteEmptied = true;
    return db;
  }
  const url = await copyTemplate({ ...target, template: 'template1' });
  const db = openDatabase(url);
  closeAfterwards(db);
  return db;
}

// ---- PostgreSQL server: each test copies the migrated template (about 80 ms), dropped when the test ends.

let admin: pg.Client | undefined;
let copies = 0;

async function copyTemplate(target: Extract<PostgresTarget, { kind: 'server' }>): Promise<string> {
  if (!admin) {
    admin = new pg.Client(target.url);
    await admin.connect();
  }
  const name = `${target.run}_${process.pid}_${++copies}`;
  await admin.query(`create database "${name}" template "${target.template}"`);
  const url = new URL(target.url);
  url.pathname = `/${name}`;
  whenDone(async () => {
    await admin?.query(`drop database if exists "${name}" with (force)`);
  });
  return url.toString();
}

// ---- PGlite: one instance per test file, migrated once and emptied for each new database.

let lite: Promise<PGlite> | undefined;
// Set when a migrations test emptied the instance: the next new database migrates it again.
let liteEmptied = false;

/** Starts the file's PGlite instance ahead of its tests (it takes seconds), when PGlite is the engine. */
export async function warmUpTestDatabase(): Promise<void> {
  if (testEngine === 'postgres' && inject('postgres').kind === 'pglite') await pglite();
}

function pglite(): Promise<PGlite> {
  lite ??= (async () => {
    const instance = await PGlite.create({ parsers: { [types.INT8]: Number, [types.NUMERIC]: Number } });
    await migrateToLatest(kyselyOn(instance));
    return instance;
  })();
  return lite;
}

// A view of the instance whose close() does nothing, so that a test closing its database keeps the file's instance.
// PGlite has one session: every open of the file's instance shares one Kysely, whose driver takes turns on it, so two
// "processes" in a test interleave whole transactions as they would on a server, never statements within one.
const liteDbs = new WeakMap<PGlite, Db>();

function kyselyOn(instance: PGlite): Db {
  const known = liteDbs.get(instance);
  if (known) return known;
  const shared = { query: instance.query.bind(instance), close: () => Promise.resolve() } as unknown as PGlite;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(shared), plugins: [new PortableSchemaPlugin()] });
  // A test closing its database leaves the file's instance (and the other "process") open; the file closes it.
  db.destroy = () => Promise.resolve();
  liteDbs.set(instance, db);
  return db;
}

async function resetPglite(): Promise<string> {
  const db = kyselyOn(await pglite());
  if (liteEmptied) {
    await sql`drop schema public cascade`.execute(db);
    await sql`create schema public`.execute(db);
    await migrateToLatest(db);
    liteEmptied = false;
    return 'pglite:';
  }
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(db);
  await sql`truncate ${sql.join(tables.rows.map((row) => sql.table(row.name)))} restart identity cascade`.execute(db);
  return 'pglite:';
}

async function openPglite(): Promise<Db> {
  return kyselyOn(await pglite());
}

// ---- Closing: after the test when opened inside one, else after the file (postgres-per-file.ts).

const fileCleanups: (() => Promise<void>)[] = [];

function whenDone(cleanup: () => Promise<void>): void {
  try {
    onTestFinished(cleanup);
  } catch {
    fileCleanups.unshift(cleanup);
  }
}

export async function closeTestDatabases(): Promise<void> {
  for (const cleanup of fileCleanups.splice(0)) await cleanup();
  await admin?.end();
  admin = undefined;
  const instance = lite;
  lite = undefined;
  if (instance) await (await instance).close();
}

function closeAfterwards(db: Db): void {
  let closed = false;
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    if (closed) return;
    closed = true;
    await destroy();
  };
  whenDone(() => db.destroy());
}
