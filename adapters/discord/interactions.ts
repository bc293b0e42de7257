import {
  ApplicationCommandOptionType,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import { suggestCommunities } from '../../src/commands/autocomplete.js';
import type { AnyCommand, Caller, CommandTable, Invocation, RawArg } from '../../src/commands/define.js';
import type { Services, InboundListener } from '../../src/storage/services.js';
import { executeCommand, executeText } from '../../src/commands/run.js';
import { handleInbound } from '../../src/kernel/inbound.js';
import { answer, refuse, type Reply } from '../../src/kernel/reply.js';
import type { ButtonStore } from './button-store.js';
import { discordErrorCode, discordErrorCodes, loggableError } from './errors.js';
import { discordChannel, locateMessage } from './locate.js';
import { copCommandName, harvestAnswerCommandName } from './registration.js';
import { parseButtonCustomId, renderDiscordMessages, type DiscordMessage } from './render.js';

export type InteractionDeps = Readonly<{
  client: Client;
  services: Services;
  commands: CommandTable;
  listeners: readonly InboundListener[];
  log: Logger;
  /** How long a command may run before the interaction is deferred; Discord allows 3 s in all, network included. */
  deferAfterMs: number;
  buttons: ButtonStore;
}>;

const somethingWentWrong = 'Something went wrong on Weaver’s side; it has been logged. Please try again in a moment.';

/** Answers one interaction; never throws, so that nothing a user does reaches the client's error event unhandled. */
export async function handleInteraction(deps: InteractionDeps, interaction: Interaction): Promise<void> {
  try {
    if (interaction.isAutocomplete()) return await answerAutocomplete(deps, interaction);
    if (!interaction.isRepliable()) return;
    if (!interaction.inGuild()) {
      await interaction.reply({ content: 'Weaver works in a server: use /cop in one of its channels.', flags: MessageFlags.Ephemeral });
      return;
    }
    if (interaction.isChatInputCommand() && interaction.commandName === copCommandName)
      return await respond(deps, interaction, runSlashCommand(deps, interaction));
    if (interaction.isButton()) return await respond(deps, interaction, runButton(deps, interaction));
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === harvestAnswerCommandName) {
      return await respond(deps, interaction, harvestAnswer(deps, interaction));
    }
    await interaction.reply({ content: 'Weaver does not know this command any more; try /cop help.', flags: MessageFlags.Ephemeral });
  } catch (error) {
    await reportFailure(deps, interaction, error);
  }
}

async function runSlashCommand(deps: InteractionDeps, interaction: ChatInputCommandInteraction<'cached' | 'raw'>): Promise<Reply> {
  const { words, raw } = readOptions(interaction.options.data);
  const command = findCommand(deps.commands, words);
  // The registered /cop can lag behind the code for a moment after an upgrade.
  if (!command) return refuse('UnknownCommand', `“/cop ${words.join(' ')}” is not a Weaver command any more; /cop help lists them all.`);
  return executeCommand(deps.services, deps.commands, invocationOf(interaction), command, raw);
}

async function runButton(deps: InteractionDeps, interaction: ButtonInteraction<'cached' | 'raw'>): Promise<Reply> {
  const target = parseButtonCustomId(interaction.customId);
  const line = target?.kind === 'line' ? target.command : target ? await deps.buttons.find(target.key) : undefined;
  if (!line) return refuse('UnknownButton', 'This button no longer works; type the command instead (/cop help lists them).');
  return executeText(deps.services, deps.commands, invocationOf(interaction), line);
}

async function harvestAnswer(deps: InteractionDeps, interaction: MessageContextMenuCommandInteraction<'cached' | 'raw'>): Promise<Reply> {
  const target = interaction.targetMessage;
  const place = await locateMessage(deps.client, interaction.guildId, target.channelId);
  const replies = await handleInbound(deps.services, deps.listeners, {
    kind: 'mark-answer',
    ...place,
    messageId: target.id,
    user: callerOf(interaction).user,
    at: deps.services.clock.now(),
  });
  return replies[0] ?? answer('Nothing to harvest here: “Harvest answer” marks a reply in a question thread of a community’s home channel.');
}

async function answerAutocomplete(deps: InteractionDeps, interaction: AutocompleteInteraction): Promise<void> {
  try {
    const focused = interaction.options.getFocused(true);
    const command = findCommand(deps.commands, readOptions(interaction.options.data).words);
    if (command?.args[focused.name]?.autocomplete !== 'community') return await interaction.respond([]);
    const found = await suggestCommunities(deps.services, String(focused.value), 25);
    await interaction.respond(found.map(({ label, value }) => ({ name: label.slice(0, 100), value })));
  } catch (error) {
    deps.log.error({ err: loggableError(error), interaction: interaction.id }, 'Discord autocomplete failed');
  }
}

/**
 * Answers at once when the work is done within the budget, with the reply's own visibility; otherwise
 * defers (ephemeral, the usual case) and edits the reply when the work is done.
 */
async function respond(deps: InteractionDeps, interaction: RepliableInteraction, work: Promise<Reply>): Promise<void> {
  const early = await settleWithin(work, deps.deferAfterMs);
  if (early) {
    await deps.buttons.remember(early);
    const flags = early.visibility === 'caller' ? MessageFlags.Ephemeral : undefined;
    const [first, ...rest] = renderDiscordMessages(early);
    await interaction.reply({ ...toOptions(first!), flags });
    for (const message of rest) await interaction.followUp({ ...toOptions(message), flags });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const reply = await work;
  await deps.buttons.remember(reply);
  const messages = renderDiscordMessages(reply);
  if (reply.visibility === 'caller') {
    const [first, ...rest] = messages;
    await interaction.editReply(toOptions(first!));
    for (const message of rest) await interaction.followUp({ ...toOptions(message), flags: MessageFlags.Ephemeral });
    return;
  }
  // The deferred reply is ephemeral; an answer for everyone follows it as a normal message.
  await interaction.editReply({ content: 'Done; posted in this channel for everyone.' });
  for (const message of messages) await interaction.followUp(toOptions(message));
}

function settleWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  return Promise.race([work, budget]).finally(() => clearTimeout(timer));
}

function toOptions(message: DiscordMessage) {
  return {
    content: message.content ?? '',
    embeds: message.embeds,
    components: message.components,
    files: message.files?.map((file) => ({ attachment: file.data, name: file.name, contentType: file.contentType })),
  };
}

async function reportFailure(deps: InteractionDeps, interaction: Interaction, error: unknown): Promise<void> {
  const code = discordErrorCode(error);
  if (code === discordErrorCodes.unknownInteraction) {
    deps.log.warn({ interaction: interaction.id }, 'A Discord interaction expired before Weaver answered it');
    return;
  }
  deps.log.error({ err: loggableError(error), interaction: interaction.id, user: interaction.user.id }, 'Discord interaction failed');
  if (!interaction.isRepliable()) return;
  try {
    if (interaction.deferred || interaction.replied) await interaction.followUp({ content: somethingWentWrong, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ content: somethingWentWrong, flags: MessageFlags.Ephemeral });
  } catch (second) {
    deps.log.warn({ err: loggableError(second), interaction: interaction.id }, 'Could not tell the user that their interaction failed');
  }
}

function findCommand(table: CommandTable, words: readonly string[]): AnyCommand | undefined {
  const found = table.find(words);
  return found && found.consumed === words.length && found.command.path.length === words.length ? found.command : undefined;
}

/** The subcommand path and the typed option values of `/cop`: a user option becomes `{ userId, name }`. */
function readOptions(data: readonly CommandInteractionOption[]): { words: string[]; raw: Record<string, RawArg> } {
  const top = data[0];
  if (!top) return { words: [], raw: {} };
  const leaf = top.type === ApplicationCommandOptionType.SubcommandGroup ? top.options?.[0] : top;
  const words = leaf === top || !leaf ? [top.name] : [top.name, leaf.name];
  const raw: Record<string, RawArg> = {};
  for (const option of leaf?.options ?? []) {
    if (option.type === ApplicationCommandOptionType.User) {
      const member = option.member && 'displayName' in option.member ? option.member.displayName : undefined;
      raw[option.name] = { userId: String(option.value), name: member ?? option.user?.globalName ?? option.user?.username };
    } else if (typeof option.value === 'string' || typeof option.value === 'number') {
      raw[option.name] = option.value;
    }
  }
  return { words, raw };
}

function callerOf(interaction: RepliableInteraction<'cached' | 'raw'>): Caller {
  const member = interaction.member;
  const name = ('displayName' in member ? member.displayName : member.nick) ?? interaction.user.globalName ?? interaction.user.username;
  return {
    user: { platform: 'discord', workspaceId: interaction.guildId, userId: interaction.user.id },
    name,
    // Manage Server is what Discord itself treats as running the server.
    isPlatformAdmin: interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild),
  };
}

function invocationOf(interaction: RepliableInteraction<'cached' | 'raw'>): Invocation {
  const channel = interaction.channel;
  const name = channel && 'name' in channel && channel.name ? channel.name : undefined;
  return {
    caller: callerOf(interaction),
    channel: interaction.channelId ? { ...discordChannel(interaction.guildId, interaction.channelId), name } : undefined,
  };
}
