import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import type { PlatformPort, PostedMessage } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { ConsoleMessageIds } from './message-ids.js';

/** The console's "platform": channel posts and direct messages are printed, marked with where they went. */
export function createConsolePort(write: (text: string) => void, ids: ConsoleMessageIds): PlatformPort {
  const posted = (): PostedMessage => ({ messageId: ids.next() });
  return {
    platform: 'console',
    async postMessage(channel: ChannelRef, message: Reply, options?: { threadId?: string }) {
      const where = options?.threadId ? `#${channel.channelId}, in the thread of message ${ids.short(options.threadId)}` : `#${channel.channelId}`;
      const receipt = posted();
      if (options?.threadId) ids.rememberThread(receipt.messageId, options.threadId);
      write(`[message ${ids.short(receipt.messageId)}, posted in ${where}]\n${renderPlainText(message)}\n`);
      return receipt;
    },
    async updateMessage(channel: ChannelRef, messageId: string, message: Reply) {
      write(`[message ${ids.short(messageId)} in #${channel.channelId}, updated]\n${renderPlainText(message)}\n`);
    },
    async sendDirectMessage(user: UserRef, message: Reply) {
      write(`[direct message to @${user.userId}]\n${renderPlainText(message)}\n`);
      return posted();
    },
    // What Slack would make a group DM, and Discord a private thread: printed as that one post, with who is in it.
    async openGroupConversation(users: readonly UserRef[], message: Reply) {
      const receipt = posted();
      const conversationId = `group-${ids.short(receipt.messageId)}`;
      write(
        `[message ${ids.short(receipt.messageId)}, a group conversation with ${users.map((user) => `@${user.userId}`).join(', ')} (#${conversationId})]\n${renderPlainText(message)}\n`,
      );
      return { ...receipt, conversationId };
    },
    async prepareHomeChannel(channel: ChannelRef) {
      return { ok: true, name: channel.channelId };
    },
  };
}
