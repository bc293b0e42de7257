import type { ChannelRef, Platform, UserRef } from '../../src/kernel/identity.js';
import { DeliveryError, type PlatformPort, type PostedMessage } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';

export type RecordedPost = { channelId: string; text: string; reply: Reply; threadId?: string; messageId: string };
export type RecordedDm = { userId: string; text: string; reply: Reply; messageId: string };
export type RecordedUpdate = { channelId: string; messageId: string; text: string; reply: Reply };
export type Outcome = DeliveryError | Error | 'hang';

// Message ids and permalinks shaped as each platform makes them: Slack ts, Discord snowflakes, plain on the console.
function idsFor(platform: Platform) {
  let sequence = 0;
  return {
    next(kind: 'post' | 'dm'): string {
      sequence++;
      if (platform === 'slack') return `1732400000.${String(sequence).padStart(6, '0')}`;
      if (platform === 'discord') return `13100000000000000${String(sequence).padStart(2, '0')}`;
      return `${kind === 'post' ? 'm' : 'd'}${sequence}`;
    },
    permalink(channelId: string, messageId: string): string {
      if (platform === 'slack') return `https://acme.slack.com/archives/${channelId}/p${messageId.replace('.', '')}`;
      if (platform === 'discord') return `https://discord.com/channels/g/${channelId}/${messageId}`;
      return `https://chat.example/${channelId}/${messageId}`;
    },
  };
}

/**
 * The one platform every core test posts through: it records what it is asked to post, DM and edit. `script` decides,
 * per destination, what happens to the next calls: an error to throw, or 'hang' (the process died mid-call).
 */
export function createRecordingPort(platform: Platform = 'console') {
  const posts: RecordedPost[] = [];
  const dms: RecordedDm[] = [];
  const updates: RecordedUpdate[] = [];
  const scripted = new Map<string, Outcome[]>();
  const ids = idsFor(platform);
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
      const messageId = ids.next('post');
      posts.push({ channelId: channel.channelId, text: renderPlainText(reply), reply, threadId: options?.threadId, messageId });
      return { messageId, permalink: ids.permalink(channel.channelId, messageId) };
    },
    async updateMessage(channel: ChannelRef, messageId: string, reply: Reply) {
      await outcomeFor(`update:#${channel.channelId}`);
      updates.push({ channelId: channel.channelId, messageId, text: renderPlainText(reply), reply });
    },
    async sendDirectMessage(user: UserRef, reply: Reply): Promise<PostedMessage> {
      await outcomeFor(`@${user.userId}`);
      const messageId = ids.next('dm');
      dms.push({ userId: user.userId, text: renderPlainText(reply), reply, messageId });
      return { messageId, permalink: ids.permalink(user.userId, messageId) };
    },
    async prepareHomeChannel(channel: ChannelRef) {
      return { ok: true, name: channel.channelId };
    },
  };

  return {
    port,
    posts,
    dms,
    updates,
    /** Settles when a call met 'hang': the moment the process is taken to have died. */
    hung,
    calls: () => calls,
    /** The next calls to this destination (`#channel`, `@user`, `update:#channel`) meet these outcomes, in order. */
    script(destination: string, ...outcomes: Outcome[]) {
      scripted.set(destination, [...(scripted.get(destination) ?? []), ...outcomes]);
    },
  };
}

export type RecordingPort = ReturnType<typeof createRecordingPort>;

export const rateLimited = (retryAfterMs: number) => new DeliveryError('ratelimited', false, retryAfterMs);
export const serverError = () => new DeliveryError('HTTP 503', false);
export const channelGone = () => new DeliveryError('channel_not_found', true);
