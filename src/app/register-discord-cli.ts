// `npm run register`: registers /cop and "Harvest answer" now, whether or not the definition changed.
import { existsSync } from 'node:fs';
import { REST } from 'discord.js';
import { commands } from '../commands/index.js';
import { loadConfig } from './config.js';
import { databaseLocation } from '../kernel/settings.js';
import { openMigratedDatabase } from '../storage/database.js';
import { toDeliveryError } from '../../adapters/discord/errors.js';
import { registerCommands } from '../../adapters/discord/register.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`Cannot register; fix these settings (see .env.example):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}
const discord = loaded.config.discord;
if (!discord) {
  process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see .env.example) to register the Discord commands.\n');
  process.exit(1);
}
const db = await openMigratedDatabase(databaseLocation(loaded.config));
try {
  const rest = new REST({ api: discord.apiUrl, retries: 1 }).setToken(discord.token);
  const outcome = await registerCommands(rest, db, commands, discord, { force: true, now: Date.now() });
  const where = discord.guildId ? `in server ${discord.guildId} (shown at once)` : 'globally (Discord can take up to an hour to show them everywhere)';
  process.stdout.write(`Registered ${outcome.commands} commands ${where}.\n`);
} catch (error) {
  const failure = toDeliveryError(error, 'Discord refused the registration');
  process.stderr.write(`${failure instanceof Error ? failure.message : String(failure)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
