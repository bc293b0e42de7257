import { sql } from 'kysely';
import type { Db } from '../../src/storage/database.js';

/** Row count of every table (FTS shadow tables and SQLite's own left out), to show that something changed nothing. */
export async function rowCounts(db: Db, except: readonly string[] = []): Promise<Record<string, number>> {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like '%VIRTUAL%' order by name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    if (except.includes(name) || /_(data|idx|content|docsize|config)$/.test(name)) continue;
    const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    counts[name] = row.rows[0]!.n;
  }
  return counts;
}

/** Registers a listener for unhandled rejections (and uncaught exceptions); `seen` lists them, `stop` removes it. */
export function watchUnhandled() {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => void seen.push(reason);
  const onException = (error: unknown) => void seen.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
