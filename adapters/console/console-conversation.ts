import type { Services } from '../../src/commands/define.js';
import type { ChannelRef, UserRef } from '../../src/identity.js';
import { handleInbound, type InboundEvent, type InboundListener } from '../../src/inbound.js';
import { renderPlainText } from '../../src/render-text.js';

export const conversationHelp = `  :say <text>              post a message in the channel (a question ends with ?)
  :reply <id> <text>       reply in the thread of message <id>
  :react <id>              react ✅ to message <id> (marks the answer, if you asked or coordinate)
  :harvest <id>            the “Harvest answer” message action on message <id>`;

export type ConversationContext = Readonly<{
  services: Services;
  listeners: readonly InboundListener[];
  user: UserRef;
  userName: string;
  channel: ChannelRef;
  write(text: string): void;
  nextMessageId(): string;
  /** The full id of a message typed by its short number (`3`), or the id itself. */
  resolveMessageId(typed: string): string;
}>;

/** The console's stand-in for chat in a channel: what people say and do there becomes the same events the platforms send. */
export async function runConversation(word: string, rest: string, ctx: ConversationContext): Promise<boolean> {
  const at = ctx.services.clock.now();
  const [typed = '', ...words] = rest.split(/\s+/);
  const target = typed && ctx.resolveMessageId(typed);
  let event: InboundEvent;
  if (word === 'say' && rest) {
    const messageId = ctx.nextMessageId();
    event = { kind: 'message', message: { channel: ctx.channel, messageId, author: ctx.user, authorName: ctx.userName, text: rest, at } };
    ctx.write(`(message ${shortId(messageId)})`);
  } else if (word === 'reply' && target && words.length) {
    const messageId = ctx.nextMessageId();
    const text = words.join(' ');
    event = { kind: 'message', message: { channel: ctx.channel, messageId, threadId: target, author: ctx.user, authorName: ctx.userName, text, at } };
    ctx.write(`(message ${shortId(messageId)}, in the thread of ${typed})`);
  } else if (word === 'react' && target) {
    event = { kind: 'reaction', channel: ctx.channel, messageId: target, user: ctx.user, emoji: 'white_check_mark', at };
  } else if (word === 'harvest' && target) {
    event = { kind: 'mark-answer', channel: ctx.channel, messageId: target, user: ctx.user, at };
  } else {
    return false;
  }
  for (const reply of await handleInbound(ctx.services, ctx.listeners, event)) ctx.write(renderPlainText(reply));
  return true;
}

// Console message ids end in a per-session number, which is all a person needs to type back.
function shortId(messageId: string): string {
  return messageId.slice(messageId.lastIndexOf('-') + 1);
}
