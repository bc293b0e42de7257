import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteAdapter, SqliteDialect, type DialectAdapter, type Migration, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { isPostgresUrl, openPostgres } from './postgres.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

// Kysely runs SQLite migrations without a transaction, so a failure halfway would leave partial DDL behind.
// SQLite's DDL is transactional, so we say so and every pending migration commits or rolls back as one.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class WeaverSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Opens the store at `location`: a `postgres://` URL (shared by several processes), or else a SQLite file. */
export function openDatabase(location: string): Db {
  return isPostgresUrl(location) ? openPostgres(location) : openSqlite(location);
}

function openSqlite(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new WeaverSqliteDialect({ database: cacheStatements(sqlite) }) });
}

const statementCacheSize = 500;

/**
 * Kysely prepares every query anew, and preparing was the largest cost of a command (bench/README.md). Weaver's
 * queries come from a few hundred shapes, so each SQL text is prepared once and reused; a statement still being
 * iterated is never handed out twice, and the least recently used go when the cache is full.
 */
function cacheStatements(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > statementCacheSize) cache.delete(cache.keys().next().value!);
    }
    return statement;
  }) as typeof sqlite.prepare;
  return sqlite;
}

export async function migrateToLatest(db: Db, list: Record<string, Migration> = migrations): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => list } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(`migration failed: ${JSON.stringify(result.error)}`);
  return result;
}

export async function openMigratedDatabase(location: string): Promise<Db> {
  const db = openDatabase(location);
  await migrateToLatest(db);
  return db;
}
