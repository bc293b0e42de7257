import { createHash } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandGroupOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AnyCommand, CommandTable } from '../../src/commands/define.js';

export const copCommandName = 'cop';
export const harvestAnswerCommandName = 'Harvest answer';

/** Everything Weaver registers on Discord, generated from the one command table: `/cop` and the "Harvest answer" message action. */
export function buildApplicationCommands(table: CommandTable): RESTPostAPIApplicationCommandsJSONBody[] {
  return [
    buildCopCommand(table),
    // Commands are used in servers only: every community and member belongs to a server.
    { type: ApplicationCommandType.Message, name: harvestAnswerCommandName, contexts: [InteractionContextType.Guild] },
  ];
}

/** `/cop`: one-word paths become subcommands, two-word paths a subcommand group holding subcommands. Aliases are text-only. */
export function buildCopCommand(table: CommandTable): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options: (APIApplicationCommandSubcommandOption | APIApplicationCommandSubcommandGroupOption)[] = [];
  const groups = new Map<string, APIApplicationCommandSubcommandGroupOption>();
  for (const command of table.all) {
    const [first, second] = command.path;
    if (second === undefined) {
      options.push(buildSubcommand(first, command));
      continue;
    }
    let group = groups.get(first);
    if (!group) {
      group = { type: ApplicationCommandOptionType.SubcommandGroup, name: first, description: `${capitalize(first)} commands`, options: [] };
      groups.set(first, group);
      options.push(group);
    }
    group.options!.push(buildSubcommand(second, command));
  }
  return fitDiscordBudget({
    type: ApplicationCommandType.ChatInput,
    name: copCommandName,
    description: 'Weaver: communities of practice',
    contexts: [InteractionContextType.Guild],
    options,
  });
}

// Discord refuses a command whose names, descriptions and choices add up to more than 8,000 characters (4,000 until
// February 2024, discord/discord-api-docs#6668); past it, descriptions are shortened rather than the command refused.
const discordCharacterBudget = 8000;

type Described = { name: string; description: string; options?: Described[]; choices?: { name: string; value: string | number }[] };

function countCharacters(option: Described): number {
  const own = option.name.length + option.description.length;
  const choices = (option.choices ?? []).reduce((sum, c) => sum + c.name.length + String(c.value).length, 0);
  return own + choices + (option.options ?? []).reduce((sum, child) => sum + countCharacters(child), 0);
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:(]+$/, '')}…`;
}

/**
 * Over the budget, the descriptions under /cop are shortened (at a word, with “…”) to the longest length that fits;
 * help keeps the full text. Names and choices, which people type, are never touched.
 */
function fitDiscordBudget(command: RESTPostAPIChatInputApplicationCommandsJSONBody): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const whole = command as unknown as Described;
  if (countCharacters(whole) <= discordCharacterBudget) return command;
  const cap = (option: Described, max: number): Described => ({
    ...option,
    description: shorten(option.description, max),
    ...(option.options ? { options: option.options.map((child) => cap(child, max)) } : {}),
  });
  for (let max = 99; max >= 8; max--) {
    const options = (whole.options ?? []).map((option) => cap(option, max));
    const fitted = { ...whole, options };
    if (countCharacters(fitted) <= discordCharacterBudget) return fitted as unknown as RESTPostAPIChatInputApplicationCommandsJSONBody;
  }
  return command;
}

function buildSubcommand(name: string, command: AnyCommand): APIApplicationCommandSubcommandOption {
  const entries = Object.entries(command.args);
  // Discord requires required options before optional ones; the text order is kept within each.
  const ordered = [...entries.filter(([, spec]) => spec.required), ...entries.filter(([, spec]) => !spec.required)];
  const options = ordered.map(([argName, spec]): APIApplicationCommandBasicOption => {
    const base = { name: argName, description: spec.description, required: spec.required };
    if (spec.kind === 'user') return { ...base, type: ApplicationCommandOptionType.User };
    if (spec.kind === 'integer') return { ...base, type: ApplicationCommandOptionType.Integer };
    if (spec.choices) return { ...base, type: ApplicationCommandOptionType.String, choices: spec.choices.map((choice) => ({ name: choice, value: choice })) };
    if (spec.autocomplete === 'community') return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true };
    return { ...base, type: ApplicationCommandOptionType.String };
  });
  return { type: ApplicationCommandOptionType.Subcommand, name, description: command.summary, options };
}

/** The fingerprint stored after a registration: the commands are registered again only when it changes. */
export function hashApplicationCommands(body: readonly RESTPostAPIApplicationCommandsJSONBody[]): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
