// `npm run migrate`: applies pending migrations to DATABASE_PATH and says which, without starting the bot.
import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from '../storage/database.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`Cannot migrate; fix these settings:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}
const db = openDatabase(loaded.config.databasePath);
try {
  const { results = [] } = await migrateToLatest(db);
  const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
  process.stdout.write(applied.length ? `Applied ${applied.join(', ')} to ${loaded.config.databasePath}.\n` : `${loaded.config.databasePath} is up to date.\n`);
} catch (error) {
  process.stderr.write(`Migration failed and was rolled back: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
