import { MessageReferenceType, MessageType, type Channel, type Client, type Message } from 'discord.js';
import type { ChannelRef } from '../../src/kernel/identity.js';

export type MessagePlace = { channel: ChannelRef; threadId?: string };

export function discordChannel(guildId: string, channelId: string): ChannelRef {
  return { platform: 'discord', workspaceId: guildId, channelId };
}

/**
 * Where a message sits, as the core sees it: in a thread, the channel is the thread's parent (the home
 * channel) and the thread id is the thread channel's id, which for a thread started from a message is that message's id.
 */
export async function locateMessage(client: Client, guildId: string, channelId: string): Promise<MessagePlace> {
  const channel = await resolveChannel(client, channelId);
  if (channel?.isThread() && channel.parentId) return { channel: discordChannel(guildId, channel.parentId), threadId: channel.id };
  return { channel: discordChannel(guildId, channelId) };
}

// An uncached channel arrives as a partial that cannot say whether it is a thread; Discord can.
async function resolveChannel(client: Client, channelId: string): Promise<Channel | null> {
  const cached = client.channels.cache.get(channelId);
  if (cached && !cached.partial) return cached;
  try {
    return await client.channels.fetch(channelId, { force: true });
  } catch {
    return null;
  }
}

/**
 * The message an inline reply (Reply with a message_reference) answers in the same channel, followed up through the
 * replies the client still holds to where the conversation started: on Discord that is a thread without a thread channel.
 */
export function inlineReplyRoot(message: Message): string | undefined {
  const target = (m: Message) =>
    m.type === MessageType.Reply &&
    m.reference?.messageId &&
    m.reference.channelId === message.channelId &&
    (m.reference.type ?? MessageReferenceType.Default) === MessageReferenceType.Default
      ? m.reference.messageId
      : undefined;
  let root = target(message);
  for (let depth = 0; root && depth < 20; depth++) {
    const parent = message.channel.messages.cache.get(root);
    const up = parent ? target(parent) : undefined;
    if (!up) break;
    root = up;
  }
  return root;
}
