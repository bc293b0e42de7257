// `npm run migrate`: applies pending migrations to the database (DATABASE_URL, else DATABASE_PATH) and says which,
// without starting the bot. `npm run migrate -- --to postgres://…` copies the SQLite database into an empty PostgreSQL one.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { databaseLocation } from '../kernel/settings.js';
import { copyDatabase, CopyRefused, describeCopy } from '../storage/copy.js';
import { migrateToLatest, openDatabase } from '../storage/database.js';
import { isPostgresUrl } from '../storage/postgres.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let to: string | undefined;
try {
  ({ to } = parseArgs({ options: { to: { type: 'string' } } }).values);
} catch {
  fail('Usage: npm run migrate [-- --to postgres://user@host:5432/database]');
}
if (to !== undefined && !isPostgresUrl(to)) fail(`--to must be a PostgreSQL URL such as postgres://weaver@db.example:5432/weaver, not ${JSON.stringify(to)}.`);

if (existsSync('.env')) process.loadEnvFile('.env');
const loaded = loadConfig(process.env);
if (!loaded.ok) fail(`Cannot migrate; fix these settings:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}`);
const config = loaded.config;

if (to === undefined) await migrate(databaseLocation(config));
else await copy(config.databasePath, to);

async function migrate(location: string): Promise<void> {
  const db = openDatabase(location);
  const shown = withoutPassword(location);
  try {
    const { results = [] } = await migrateToLatest(db);
    const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
    process.stdout.write(applied.length ? `Applied ${applied.join(', ')} to ${shown}.\n` : `${shown} is up to date.\n`);
  } catch (error) {
    process.stderr.write(`Migration failed and was rolled back: ${messageOf(error)}\n`);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

async function copy(path: string, url: string): Promise<void> {
  if (!existsSync(path)) fail(`There is no database at ${path}; set DATABASE_PATH to the SQLite file to copy.`);
  const [source, target] = [openDatabase(path), openDatabase(url)];
  try {
    process.stdout.write(`Copying ${path} into ${withoutPassword(url)}…\n`);
    const report = await copyDatabase(source, target);
    process.stdout.write(`${describeCopy(report)}\n`);
    if (report.mismatches.length > 0) process.exitCode = 1;
  } catch (error) {
    const rolledBack = error instanceof CopyRefused ? '' : 'The copy failed and was rolled back: ';
    process.stderr.write(`${rolledBack}${messageOf(error)}\n`);
    process.exitCode = 1;
  } finally {
    await Promise.all([source.destroy(), target.destroy()]);
  }
}

function withoutPassword(location: string): string {
  if (!isPostgresUrl(location)) return location;
  const url = new URL(location);
  if (url.password) url.password = '***';
  return url.toString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
