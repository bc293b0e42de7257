import { randomBytes } from 'node:crypto';
import type { ChannelRef, UserRef } from '../../src/identity.js';
import type { PlatformPort, PostedMessage } from '../../src/platform.js';
import type { Reply } from '../../src/reply.js';
import { renderPlainText } from '../../src/render-text.js';

/** The console's "platform": channel posts and direct messages are printed, marked with where they went. */
export function createConsolePort(write: (text: string) => void): PlatformPort {
  let sequence = 0;
  // Unique across sessions on the same database, so that a question posted by `ask` is never mistaken for an old one.
  const sessionTag = randomBytes(3).toString('hex');
  const posted = (): PostedMessage => ({ messageId: `local${sessionTag}-${++sequence}` });
  return {
    platform: 'console',
    async postMessage(channel: ChannelRef, message: Reply, options?: { threadId?: string }) {
      const where = options?.threadId ? `#${channel.channelId}, in thread ${options.threadId}` : `#${channel.channelId}`;
      const receipt = posted();
      write(`[posted in ${where} as ${receipt.messageId}]\n${renderPlainText(message)}\n`);
      return receipt;
    },
    async updateMessage(channel: ChannelRef, messageId: string, message: Reply) {
      write(`[updated ${messageId} in #${channel.channelId}]\n${renderPlainText(message)}\n`);
    },
    async sendDirectMessage(user: UserRef, message: Reply) {
      write(`[direct message to @${user.userId}]\n${renderPlainText(message)}\n`);
      return posted();
    },
    async prepareHomeChannel(channel: ChannelRef) {
      return { ok: true, name: channel.channelId };
    },
  };
}
