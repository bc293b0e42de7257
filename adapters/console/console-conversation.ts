import type { Services, InboundListener } from '../../src/storage/services.js';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { ConsoleMessageIds } from './message-ids.js';

export const conversationHelp = `  :say <text>              post a message in the channel (a question ends with ?)
  :reply <n> <text>        reply in the thread of message n (yours or the bot's, e.g. a prompt; in its thread if it has one)
  :react <n>               react ✅ to message n (marks the answer, if you asked or coordinate)
  :harvest <n>             the “Harvest answer” message action on message n`;

export type ConversationContext = Readonly<{
  services: Services;
  listeners: readonly InboundListener[];
  user: UserRef;
  userName: string;
  channel: ChannelRef;
  write(text: string): void;
  ids: ConsoleMessageIds;
}>;

const usage: Record<string, string> = {
  say: ':say needs the text to post: :say Has anyone run a taster day?',
  reply: ':reply needs a message number and the text: :reply 1 We did, last spring.',
  react: ':react needs a message number: :react 2',
  harvest: ':harvest needs a message number: :harvest 2',
};

/**
 * The console's stand-in for chat in a channel: what people say and do there becomes the same events the platforms
 * send. Returns false for a word that is not one of these actions.
 */
export async function runConversation(word: string, rest: string, ctx: ConversationContext): Promise<boolean> {
  if (!(word in usage)) return false;
  const at = ctx.services.clock.now();
  const [typed = '', ...words] = rest.split(/\s+/).filter(Boolean);
  const text = word === 'say' ? rest : words.join(' ');
  if (!typed || (word === 'reply' && !text)) {
    ctx.write(usage[word]!);
    return true;
  }
  const target = word === 'say' ? undefined : ctx.ids.resolve(typed);
  if (word !== 'say' && !target) {
    ctx.write(`There is no message ${typed} in this session; messages are numbered as they appear, e.g. (message 1).`);
    return true;
  }
  let event: InboundEvent;
  if (word === 'say' || word === 'reply') {
    const messageId = ctx.ids.next();
    // A reply to a message that is itself in a thread goes in that same thread, as on Slack and Discord.
    const threadId = target === undefined ? undefined : ctx.ids.threadOf(target);
    if (threadId) ctx.ids.rememberThread(messageId, threadId);
    event = { kind: 'message', message: { channel: ctx.channel, messageId, threadId, author: ctx.user, authorName: ctx.userName, text, at } };
    ctx.write(
      threadId ? `(message ${ctx.ids.short(messageId)}, in the thread of message ${ctx.ids.short(threadId)})` : `(message ${ctx.ids.short(messageId)})`,
    );
  } else if (word === 'react') {
    event = { kind: 'reaction', channel: ctx.channel, messageId: target!, user: ctx.user, emoji: 'white_check_mark', at };
  } else {
    event = { kind: 'mark-answer', channel: ctx.channel, messageId: target!, user: ctx.user, at };
  }
  for (const reply of await handleInbound(ctx.services, ctx.listeners, event)) ctx.write(renderPlainText(reply));
  return true;
}
