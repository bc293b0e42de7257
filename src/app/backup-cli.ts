// `npm run backup -- <file>`: a consistent copy of DATABASE_PATH while Weaver runs (see README, Reliability and backups).
import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { backupDatabase } from '../storage/backup.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const target = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
if (!target) {
  process.stderr.write('Usage: npm run backup -- <file>, e.g. npm run backup -- backups/weaver-2026-12-02.db\n');
  process.exit(2);
}
if (process.env.DATABASE_URL?.startsWith('postgres')) {
  process.stderr.write('DATABASE_URL names PostgreSQL: back it up with pg_dump (see README, Reliability and backups), not this command.\n');
  process.exit(2);
}
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`Cannot back up; fix these settings:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}
try {
  const result = backupDatabase(loaded.config.databasePath, target);
  process.stdout.write(`Backed up ${loaded.config.databasePath} to ${result.path} (${result.bytes} bytes, ${result.tables} tables, integrity ok).\n`);
} catch (error) {
  process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
