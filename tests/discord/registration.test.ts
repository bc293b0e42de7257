import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandOption,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { choice, community, integer, optional, text, user, withDefault } from '../../src/commands/args.js';
import { commands } from '../../src/commands/index.js';
import { createCommandTable, defineCommand, type AnyCommand } from '../../src/commands/define.js';
import { answer } from '../../src/kernel/reply.js';
import { buildInviteUrl } from '../../adapters/discord/permissions.js';
import { buildApplicationCommands, buildCopCommand, hashApplicationCommands } from '../../adapters/discord/registration.js';

// Discord's documented limits for application commands (Application Commands, "Registering a Command").
const chatInputName = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkAgainstDiscordLimits(body: RESTPostAPIApplicationCommandsJSONBody): string[] {
  const problems: string[] = [];
  const where = (path: string[]) => path.join(' ');
  let characters = 0;
  const checkName = (name: string, path: string[]) => {
    characters += name.length;
    if (!chatInputName.test(name) || name !== name.toLowerCase()) problems.push(`${where(path)}: name “${name}” must be 1-32 lowercase characters`);
  };
  const checkDescription = (description: string, path: string[]) => {
    characters += description.length;
    if (description.length < 1 || description.length > 100) problems.push(`${where(path)}: description is ${description.length} characters (1-100)`);
  };
  const checkOptions = (options: readonly APIApplicationCommandOption[], path: string[]) => {
    if (options.length > 25) problems.push(`${where(path)}: ${options.length} options (max 25)`);
    const names = options.map((option) => option.name);
    if (new Set(names).size !== names.length) problems.push(`${where(path)}: duplicate option names`);
    let optionalSeen = false;
    for (const option of options) {
      const here = [...path, option.name];
      checkName(option.name, here);
      checkDescription(option.description, here);
      if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
        if (
          option.type === ApplicationCommandOptionType.SubcommandGroup &&
          (option.options ?? []).some((sub) => sub.type !== ApplicationCommandOptionType.Subcommand)
        ) {
          problems.push(`${where(here)}: a group holds only subcommands`);
        }
        checkOptions(option.options ?? [], here);
        continue;
      }
      if (option.required) {
        if (optionalSeen) problems.push(`${where(here)}: required option after an optional one`);
      } else optionalSeen = true;
      const choices = 'choices' in option ? (option.choices ?? []) : [];
      if (choices.length > 25) problems.push(`${where(here)}: ${choices.length} choices (max 25)`);
      if (choices.length && 'autocomplete' in option && option.autocomplete) problems.push(`${where(here)}: choices and autocomplete together`);
      for (const c of choices) {
        characters += c.name.length + String(c.value).length;
        if (c.name.length < 1 || c.name.length > 100) problems.push(`${where(here)}: choice “${c.name}” is not 1-100 characters`);
      }
    }
  };
  if (body.type === ApplicationCommandType.ChatInput || body.type === undefined) {
    checkName(body.name, [body.name]);
    checkDescription(body.description, [body.name]);
    const top = body.options ?? [];
    const nested = top.filter((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
    if (nested.length > 25) problems.push(`${body.name}: ${nested.length} subcommands and groups (max 25)`);
    checkOptions(top, [body.name]);
    // Discord raised this limit from 4000 to 8000 in February 2024 (discord/discord-api-docs#6668).
    if (characters > 8000) problems.push(`${body.name}: ${characters} characters in names, descriptions and choices (max 8000)`);
  } else if (body.name.length < 1 || body.name.length > 32) {
    problems.push(`${body.name}: a context-menu name is 1-32 characters`);
  }
  return problems;
}

const sample = (path: AnyCommand['path'], args: AnyCommand['args'] = {}) =>
  defineCommand({ path, summary: `Does ${path.join(' ')}`, examples: [], access: 'everyone', args, run: async () => answer('ok') });

describe('registration of /cop', () => {
  it('keeps every generated command within Discord’s documented limits', () => {
    for (const body of buildApplicationCommands(commands)) expect(checkAgainstDiscordLimits(body)).toEqual([]);
  });

  it('registers every command of the table once, groups holding their subcommands, and the Harvest answer message action', () => {
    const [, harvest] = buildApplicationCommands(commands);
    const registered = (buildCopCommand(commands).options ?? []).flatMap((option) =>
      'options' in option && option.type === ApplicationCommandOptionType.SubcommandGroup
        ? (option.options ?? []).map((sub) => `${option.name} ${sub.name}`)
        : [option.name],
    );
    expect([...registered].sort()).toEqual(commands.all.map((c) => c.path.join(' ')).sort());
    expect(harvest).toMatchObject({ type: ApplicationCommandType.Message, name: 'Harvest answer' });
  });

  it('turns two-word paths into a subcommand group, types options, and puts required options first', () => {
    const table = createCommandTable([
      sample(['list']),
      sample(['event', 'create'], {
        community: community(),
        title: text('the title'),
        duration: optional(integer('minutes', { min: 1, max: 600, label: 'The duration' })),
        who: user('someone'),
      }),
      sample(['event', 'cancel'], { event: integer('the event id', { min: 1, max: 1e9, label: 'The event' }) }),
      sample(['join'], { tier: withDefault(choice(['core', 'wider'], 'core or wider'), 'wider'), community: community() }),
    ]);
    const cop = buildCopCommand(table);
    expect(checkAgainstDiscordLimits(cop)).toEqual([]);
    expect(cop.options).toEqual([
      { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'Does list', options: [] },
      {
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: 'event',
        description: 'Event commands',
        options: [
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'create',
            description: 'Does event create',
            options: [
              { type: ApplicationCommandOptionType.String, name: 'community', description: 'the community, by its slug', required: true, autocomplete: true },
              { type: ApplicationCommandOptionType.String, name: 'title', description: 'the title', required: true },
              { type: ApplicationCommandOptionType.User, name: 'who', description: 'someone', required: true },
              { type: ApplicationCommandOptionType.Integer, name: 'duration', description: 'minutes', required: false },
            ],
          },
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'cancel',
            description: 'Does event cancel',
            options: [{ type: ApplicationCommandOptionType.Integer, name: 'event', description: 'the event id', required: true }],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'join',
        description: 'Does join',
        options: [
          { type: ApplicationCommandOptionType.String, name: 'community', description: 'the community, by its slug', required: true, autocomplete: true },
          {
            type: ApplicationCommandOptionType.String,
            name: 'tier',
            description: 'core or wider',
            required: false,
            choices: [
              { name: 'core', value: 'core' },
              { name: 'wider', value: 'wider' },
            ],
          },
        ],
      },
    ]);
  });

  it('notices what Discord would refuse, so that the check above means something', () => {
    const table = createCommandTable([
      ...Array.from({ length: 26 }, (_, i) => sample([`c${i}`])),
      defineCommand({ path: ['Bad'], summary: 'x'.repeat(101), examples: [], access: 'everyone', args: {}, run: async () => answer('ok') }),
    ]);
    const problems = checkAgainstDiscordLimits(buildCopCommand(table));
    expect(problems).toContain('cop: 27 subcommands and groups (max 25)');
    expect(problems).toContain('cop Bad: name “Bad” must be 1-32 lowercase characters');
    expect(problems).toContain('cop Bad: description is 101 characters (1-100)');
  });

  it('fingerprints the payload, so that a changed definition registers again', () => {
    const one = buildApplicationCommands(createCommandTable([sample(['list'])]));
    const two = buildApplicationCommands(createCommandTable([sample(['list']), sample(['mine'])]));
    expect(hashApplicationCommands(one)).toBe(hashApplicationCommands(buildApplicationCommands(createCommandTable([sample(['list'])]))));
    expect(hashApplicationCommands(one)).not.toBe(hashApplicationCommands(two));
    expect(hashApplicationCommands(one)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the invite URL', () => {
  it('asks for the bot and slash-command scopes and exactly the permissions Weaver uses', () => {
    const url = new URL(buildInviteUrl('1180000000000000001'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('1180000000000000001');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.search).toContain('scope=bot%20applications.commands');
    // View Channels 1<<10, Send Messages 1<<11, Embed Links 1<<14, Attach Files 1<<15, Read Message History 1<<16,
    // Create Public Threads 1<<35, Create Private Threads 1<<36, Send Messages in Threads 1<<38, Create Events 1<<44
    // (Discord, "Bitwise Permission Flags").
    const expected = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 35n) | (1n << 36n) | (1n << 38n) | (1n << 44n);
    expect(url.searchParams.get('permissions')).toBe(String(expected));
  });
});
