import type { ChannelRef, Platform, UserRef } from '../../src/kernel/identity.js';
import { DeliveryError, type PlatformPort, type PostedMessage } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';

export type RecordedPost = { channelId: string; text: string; reply: Reply; threadId?: string; messageId: string };
export type RecordedDm = { userId: string; text: string; reply: Reply; messageId: string };

/**
 * A platform that records what it is asked to post. `script` decides, per destination, what happens to the next
 * call: an error to throw, or 'hang' (the process died while the platform was being called).
 */
export function createFakePort(platform: Platform = 'slack') {
  const posts: RecordedPost[] = [];
  const dms: RecordedDm[] = [];
  const updates: { channelId: string; messageId: string; text: string; reply: Reply }[] = [];
  const scripted = new Map<string, (DeliveryError | Error | 'hang')[]>();
  let sequence = 0;
  let calls = 0;
  let reachedHang: () => void = () => {};
  const hung = new Promise<void>((resolve) => (reachedHang = resolve));

  async function outcomeFor(destination: string): Promise<void> {
    calls++;
    const next = scripted.get(destination)?.shift();
    if (next === 'hang') {
      reachedHang();
      await new Promise<never>(() => {});
    }
    if (next) throw next;
  }

  const port: PlatformPort = {
    platform,
    async postMessage(channel: ChannelRef, reply: Reply, options?: { threadId?: string }): Promise<PostedMessage> {
      await outcomeFor(`#${channel.channelId}`);
      const messageId = `m${++sequence}`;
      posts.push({ channelId: channel.channelId, text: renderPlainText(reply), reply, threadId: options?.threadId, messageId });
      return { messageId, permalink: `https://chat.example/${channel.channelId}/${messageId}` };
    },
    async updateMessage(channel: ChannelRef, messageId: string, reply: Reply) {
      await outcomeFor(`update:#${channel.channelId}`);
      updates.push({ channelId: channel.channelId, messageId, text: renderPlainText(reply), reply });
    },
    async sendDirectMessage(user: UserRef, reply: Reply): Promise<PostedMessage> {
      await outcomeFor(`@${user.userId}`);
      const messageId = `d${++sequence}`;
      dms.push({ userId: user.userId, text: renderPlainText(reply), reply, messageId });
      return { messageId };
    },
    async prepareHomeChannel(channel: ChannelRef) {
      return { ok: true, name: channel.channelId };
    },
  };

  return {
    port,
    /** Settles when a call met 'hang': the moment the process is taken to have died. */
    hung,
    calls: () => calls,
    posts,
    dms,
    updates,
    /** The next calls to this destination (`#channel`, `@user`, `update:#channel`) meet these outcomes, in order. */
    script(destination: string, ...outcomes: (DeliveryError | Error | 'hang')[]) {
      scripted.set(destination, [...(scripted.get(destination) ?? []), ...outcomes]);
    },
  };
}

export const rateLimited = (retryAfterMs: number) => new DeliveryError('ratelimited', false, retryAfterMs);
export const serverError = () => new DeliveryError('HTTP 503', false);
export const channelGone = () => new DeliveryError('channel_not_found', true);
