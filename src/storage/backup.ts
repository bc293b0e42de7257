import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import SQLite from 'better-sqlite3';

export type BackupResult = Readonly<{ path: string; bytes: number; tables: number }>;

/**
 * A consistent copy of a live SQLite database. `VACUUM INTO` reads in one transaction: in WAL mode the running bot keeps
 * writing meanwhile and the copy is the database as of that instant, compacted, with nothing half-written. The copy is
 * written beside the target and renamed into place only after `PRAGMA integrity_check` passes, so a failed backup never
 * leaves a file that looks like one. An existing target is never overwritten.
 */
export function backupDatabase(sourcePath: string, targetPath: string): BackupResult {
  if (!existsSync(sourcePath)) throw new Error(`There is no database at ${sourcePath}; check DATABASE_PATH.`);
  if (existsSync(targetPath)) throw new Error(`${targetPath} already exists; choose a new file name (a backup never overwrites one).`);
  const partial = join(dirname(targetPath), `.${basename(targetPath)}.partial`);
  rmSync(partial, { force: true });
  const source = new SQLite(sourcePath, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    source.prepare('VACUUM INTO ?').run(partial);
  } finally {
    source.close();
  }
  const copy = new SQLite(partial, { readonly: true, fileMustExist: true });
  let tables: number;
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`The copy failed its integrity check (${String(check)}); the database was not backed up.`);
    tables = (copy.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n;
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  renameSync(partial, targetPath);
  return { path: targetPath, bytes: statSync(targetPath).size, tables };
}
