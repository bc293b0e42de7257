import { createHash } from 'node:crypto';
import { ChannelType, PermissionFlagsBits, Routes, type APIChannel, type APIMessage, type Client, type PermissionsBitField } from 'discord.js';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import type { ChannelAccess, PlatformPort, PostedMessage } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { DirectMessageChannels } from './direct-messages.js';
import { discordErrorCode, discordErrorCodes, toDeliveryError } from './errors.js';
import { renderDiscordMessages, type DiscordMessage } from './render.js';
import { eventsTabNote } from './scheduled-events.js';

export type RememberButtons = (reply: Reply) => Promise<void>;

/** What a home channel needs, with the words Discord's server settings use for each permission. */
const homeChannelPermissions = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
] as const;

const cannotPost = 'I can’t post in this channel; give Weaver the View Channel and Send Messages permissions here, then run /cop link again.';

/** The core's PlatformPort on Discord's REST API, through the client's rate-limited REST queue. */
export function createDiscordPort(client: Client, rememberButtons: RememberButtons, directMessages: DirectMessageChannels): PlatformPort {
  const rest = client.rest;

  async function send(channelId: string, reply: Reply, key?: string): Promise<APIMessage> {
    await rememberButtons(reply);
    let first: APIMessage | undefined;
    for (const [index, message] of renderDiscordMessages(reply).entries()) {
      // With enforce_nonce, Discord answers a repeated create with the message it already made, instead of a second one.
      const idempotent = key ? { nonce: nonceOf(key, index), enforce_nonce: true } : {};
      const posted = (await rest.post(Routes.channelMessages(channelId), { body: { ...toBody(message), ...idempotent }, files: message.files })) as APIMessage;
      first ??= posted;
    }
    return first!;
  }

  // A thread started from a message has that message's id, so the thread is tried first and started only when missing.
  async function sendInThread(channel: ChannelRef, threadId: string, reply: Reply, key?: string): Promise<APIMessage> {
    try {
      return await send(threadId, reply, key);
    } catch (error) {
      if (discordErrorCode(error) !== discordErrorCodes.unknownChannel) throw error;
    }
    const name = (await readStarterLine(channel.channelId, threadId)) ?? (renderPlainText(reply).split('\n')[0]!.slice(0, 80).trim() || 'Replies');
    try {
      await rest.post(Routes.threads(channel.channelId, threadId), { body: { name, auto_archive_duration: 10080 } });
    } catch (error) {
      if (discordErrorCode(error) !== discordErrorCodes.threadAlreadyCreated) throw error;
    }
    return send(threadId, reply, key);
  }

  // A thread is named after the message it starts from, as Discord's own "Create Thread" does.
  async function readStarterLine(channelId: string, messageId: string): Promise<string | undefined> {
    try {
      const starter = (await rest.get(Routes.channelMessage(channelId, messageId))) as APIMessage;
      return starter.content.split('\n')[0]!.slice(0, 80).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  return {
    platform: 'discord',
    async postMessage(channel, message, options): Promise<PostedMessage> {
      try {
        const threadId = options?.threadId;
        const key = options?.idempotencyKey;
        const posted = threadId ? await sendInThread(channel, threadId, message, key) : await send(channel.channelId, message, key);
        return { messageId: posted.id, permalink: permalinkOf(channel.workspaceId, posted.channel_id, posted.id) };
      } catch (error) {
        throw toDeliveryError(error, `posting in channel ${channel.channelId}`);
      }
    },
    async updateMessage(channel, messageId, message) {
      try {
        await rememberButtons(message);
        // An edit replaces one message; a reply long enough to need several is cut to its first.
        const [first] = renderDiscordMessages(message);
        await rest.patch(Routes.channelMessage(channel.channelId, messageId), { body: { ...toBody(first!), attachments: [] }, files: first!.files });
      } catch (error) {
        throw toDeliveryError(error, `updating message ${messageId}`);
      }
    },
    async sendDirectMessage(user: UserRef, message, options) {
      try {
        const key = options?.idempotencyKey;
        let channelId = await directMessages.channelOf(user);
        let posted: APIMessage;
        try {
          posted = await send(channelId, message, key);
        } catch (error) {
          // A remembered channel Discord no longer knows is opened anew; nothing was posted to it.
          if (discordErrorCode(error) !== discordErrorCodes.unknownChannel) throw error;
          await directMessages.forget(user);
          channelId = await directMessages.channelOf(user);
          posted = await send(channelId, message, key);
        }
        return { messageId: posted.id, permalink: permalinkOf('@me', channelId, posted.id) };
      } catch (error) {
        throw toDeliveryError(error, `sending a direct message to ${user.userId}`);
      }
    },
    async openDirectMessage(user) {
      try {
        await directMessages.channelOf(user);
      } catch (error) {
        throw toDeliveryError(error, `opening a direct message with ${user.userId}`);
      }
    },
    async openGroupConversation(users, message, options): Promise<PostedMessage> {
      // Bots cannot open group DMs on Discord: a private thread in the home channel, with the people added, instead.
      if (!options.near) {
        const [first, ...others] = users;
        if (!first) throw new Error('a group conversation needs at least one person');
        // Discord holds a nonce unique per author, not per channel: each person's copy needs its own.
        const keyFor = (user: UserRef) => (options.idempotencyKey ? { idempotencyKey: `${options.idempotencyKey}:${user.userId}` } : {});
        const posted = await this.sendDirectMessage(first, message, keyFor(first));
        for (const user of others) await this.sendDirectMessage(user, message, keyFor(user));
        return posted;
      }
      const parentId = options.near.channelId;
      try {
        // A retry goes to the thread its first attempt made (the nonce makes a second post there the first one).
        let threadId = options.conversationId;
        if (!threadId) {
          const name = renderPlainText(message).split('\n')[0]!.replace(/[*_`]/g, '').slice(0, 100).trim() || 'Peer exchange';
          const thread = (await rest.post(Routes.threads(parentId), {
            body: { name, type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: 10080 },
          })) as APIChannel;
          threadId = thread.id;
          await options.onOpened?.(threadId);
        }
        for (const user of users) await rest.put(Routes.threadMembers(threadId, user.userId));
        const posted = await send(threadId, message, options.idempotencyKey);
        return { messageId: posted.id, conversationId: threadId, permalink: permalinkOf(options.near.workspaceId, threadId, posted.id) };
      } catch (error) {
        throw toDeliveryError(error, `opening a private thread in channel ${parentId}`);
      }
    },
    async prepareHomeChannel(channel): Promise<ChannelAccess> {
      let found;
      try {
        found = await client.channels.fetch(channel.channelId);
      } catch (error) {
        const code = discordErrorCode(error);
        if (code === discordErrorCodes.missingAccess || code === discordErrorCodes.unknownChannel || code === discordErrorCodes.missingPermissions) {
          return { ok: false, problem: cannotPost };
        }
        throw toDeliveryError(error, `checking channel ${channel.channelId}`);
      }
      if (!found || found.isDMBased()) return { ok: false, problem: 'Run /cop link in a channel of your server, not in a direct message.' };
      if (found.isThread())
        return { ok: false, problem: 'Run /cop link in the channel itself, not in a thread: questions and prompts get their own threads there.' };
      const me = found.guild.members.me ?? (await found.guild.members.fetchMe());
      const missing = missingPermissions(found.permissionsFor(me));
      if (missing.includes('View Channel') || missing.includes('Send Messages')) return { ok: false, problem: cannotPost };
      if (missing.length > 0) {
        return {
          ok: false,
          problem: `I can post here but lack ${missing.join(', ')}; give Weaver ${missing.length === 1 ? 'that permission' : 'those permissions'} in this channel, then run /cop link again.`,
        };
      }
      return { ok: true, name: found.name, note: eventsTabNote(found.guild) };
    },
  };
}

function missingPermissions(granted: Readonly<PermissionsBitField> | null): string[] {
  return homeChannelPermissions.filter(([bit]) => !granted?.has(bit)).map(([, name]) => name);
}

/** Discord's nonce is at most 25 characters: a digest of the outbox key and the part's place in a split reply. */
export function nonceOf(key: string, part: number): string {
  return createHash('sha256').update(`${key}#${part}`).digest('base64url').slice(0, 25);
}

export function toBody(message: DiscordMessage) {
  return { content: message.content ?? '', embeds: message.embeds, components: message.components, allowed_mentions: { parse: [] } };
}

export function permalinkOf(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}
