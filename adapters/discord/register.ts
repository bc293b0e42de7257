import { Routes, type REST } from 'discord.js';
import type { CommandTable } from '../../src/commands/define.js';
import type { Db } from '../../src/storage/database.js';
import { readBotState, writeBotState } from '../../src/storage/bot-state.js';
import { buildApplicationCommands, hashApplicationCommands } from './registration.js';

export type RegistrationTarget = Readonly<{ applicationId: string; guildId?: string }>;
export type RegistrationOutcome = { registered: boolean; scope: string; commands: number };

/**
 * Registers `/cop` and "Harvest answer" by bulk overwrite: in one server when DISCORD_GUILD_ID is set
 * (development: changes show at once), else globally. Skipped when the stored hash says nothing changed.
 */
export async function registerCommands(
  rest: REST,
  db: Db,
  table: CommandTable,
  target: RegistrationTarget,
  options: { force?: boolean; now: number },
): Promise<RegistrationOutcome> {
  const body = buildApplicationCommands(table);
  const hash = hashApplicationCommands(body);
  const scope = target.guildId ? `guild ${target.guildId}` : 'global';
  const key = `discord.commands.${target.applicationId}.${target.guildId ?? 'global'}`;
  if (!options.force && (await readBotState(db, key)) === hash) return { registered: false, scope, commands: body.length };
  const route = target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
  await rest.put(route, { body });
  await writeBotState(db, key, hash, options.now);
  return { registered: true, scope, commands: body.length };
}
