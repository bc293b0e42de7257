import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandTable, Invocation } from '../../src/commands/define.js';
import type { Services, InboundListener } from '../../src/storage/services.js';
import { executeText } from '../../src/commands/run.js';
import type { Attachment, Button } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { ConsoleMessageIds } from './message-ids.js';
import { conversationHelp, runConversation } from './console-conversation.js';

export const localAdmin = 'admin';
export const consoleWorkspace = 'local';

export type ConsoleOptions = Readonly<{
  services: Services;
  commands: CommandTable;
  input: Readable;
  output: Writable;
  /** Who types: the local admin unless another name is given. */
  as?: string;
  channel?: string;
  interactive: boolean;
  /** Where attachments (e.g. /cop export's Markdown) are saved; ./exports by default. */
  exportDirectory?: string;
  /** Who hears what is said in channels with :say, :reply, :react and :harvest: the core's listeners. */
  listeners: readonly InboundListener[];
  /** Shared with the console's port, so that the bot's posts and people's messages are numbered alike. */
  messageIds: ConsoleMessageIds;
}>;

const consoleHelp = `Type a /cop command (the /cop is optional), e.g. "join outreach tier:core".
  :as <name>               act as another person (:as admin returns to the local admin)
  :in <channel>            act in another channel (default #general)
  :press <n>               click button n of the last answer
${conversationHelp}
  :quit                    leave (or Ctrl-D)`;

/** A local session on the bot's database: every line is a command, answered in order. Ends when the input does. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { services, commands, output } = options;
  let userName = options.as ?? localAdmin;
  let channelId = options.channel ?? 'general';
  let buttons: readonly Button[] = [];
  const write = (text: string) => output.write(text.endsWith('\n') ? text : `${text}\n`);
  const prompt = () => `${userName} in #${channelId}> `;
  const lines = createInterface({ input: options.input, output: options.interactive ? output : undefined, terminal: options.interactive });

  if (options.interactive) {
    write(
      `Weaver console: you are ${userName}, in #${channelId}; times in ${services.settings.defaultTimezone} unless a community sets its own.\n${consoleHelp}\n`,
    );
    lines.setPrompt(prompt());
    lines.prompt();
  }
  const run = async (line: string) => {
    const invocation: Invocation = {
      caller: { user: { platform: 'console', workspaceId: consoleWorkspace, userId: userName }, name: userName, isPlatformAdmin: userName === localAdmin },
      channel: { platform: 'console', workspaceId: consoleWorkspace, channelId, name: channelId },
    };
    const reply = await executeText(services, commands, invocation, line);
    buttons = reply.buttons;
    write(renderPlainText(reply));
    if (reply.attachment) write(`Saved to ${await saveAttachment(reply.attachment, options.exportDirectory ?? 'exports')}`);
  };
  for await (const rawLine of lines) {
    const line = rawLine.trim();
    const meta = /^:(\w+)\s*(.*)$/.exec(line);
    if (meta) {
      const [, word, rest] = meta;
      if (word === 'quit' || word === 'exit') break;
      if (word === 'help') write(consoleHelp);
      else if (word === 'as') {
        if (rest) userName = rest.replace(/^@/, '');
        else write('Say who to act as: :as ann (or :as admin).');
      } else if (word === 'in') {
        if (rest) channelId = rest.replace(/^#/, '');
        else write('Say which channel: :in outreach.');
      } else if (word === 'press') {
        const button = buttons[Number(rest) - 1];
        if (button) await run(button.command);
        else write(buttons.length ? `The last answer has buttons 1 to ${buttons.length}: :press 1.` : 'The last answer has no buttons to press.');
      } else {
        const handled = await runConversation(word!, rest!, {
          services,
          listeners: options.listeners,
          user: { platform: 'console', workspaceId: consoleWorkspace, userId: userName },
          userName,
          channel: { platform: 'console', workspaceId: consoleWorkspace, channelId },
          write,
          ids: options.messageIds,
        });
        if (!handled) write(`“:${word}” is not a console command; :help lists them.`);
      }
    } else if (line && !line.startsWith('#')) {
      await run(line);
    }
    if (options.interactive) {
      lines.setPrompt(prompt());
      lines.prompt();
    }
  }
  lines.close();
}

/** The console has no chat to attach a file to: it is written to disk, under a name that cannot leave the directory. */
async function saveAttachment(attachment: Attachment, directory: string): Promise<string> {
  const name =
    basename(attachment.filename)
      .replace(/[^\w.-]/g, '_')
      .replace(/^\.+/, '') || 'attachment';
  await mkdir(directory, { recursive: true });
  const path = join(directory, name);
  await writeFile(path, attachment.content, 'utf8');
  return resolve(path);
}
