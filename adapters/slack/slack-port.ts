import type { webApi } from '@slack/bolt';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import type { Logger } from '../../src/kernel/logger.js';
import type { ChannelAccess, Destination, GroupOptions, PlatformPort, PostedMessage, SendOptions } from '../../src/kernel/ports.js';
import type { Attachment, Reply } from '../../src/kernel/reply.js';
import { renderBlocks } from './render-blocks.js';
import { describeForPerson, slackErrorCode, toDeliveryError } from './slack-errors.js';
import { singleWorkspace, type SlackDirectory, type SlackWorkspace } from './workspaces.js';

export type { SlackWorkspace };

export const inviteFirst = 'Invite me first: /invite @Weaver in that channel, then run /cop link again.';

/** The PlatformPort of one workspace's bot token (SLACK_BOT_TOKEN). */
export function createSlackPort(client: webApi.WebClient, workspace: SlackWorkspace, log: Logger): PlatformPort {
  return createWorkspacesPort(singleWorkspace(client, workspace), log);
}

/**
 * The core's PlatformPort on Slack's Web API; every failure is a DeliveryError the outbox can retry or give up on.
 * Each call speaks with the token of the workspace it is for (the channel's or the person's), from `directory`.
 */
export function createWorkspacesPort(directory: SlackDirectory, log: Logger): PlatformPort {
  return {
    platform: 'slack',
    async postMessage(channel: ChannelRef, message: Reply, options?: SendOptions): Promise<PostedMessage> {
      try {
        const { client, workspace } = await directory.access(channel.workspaceId);
        const posted = await client.chat.postMessage({
          channel: channel.channelId,
          ...renderBlocks(message),
          thread_ts: options?.threadId,
          unfurl_links: false,
          ...outboxMetadata(options?.idempotencyKey),
        });
        const ts = posted.ts ?? '';
        // The message names the file; the file itself follows it, in the same place.
        if (message.attachment) await uploadFile(client, log, posted.channel ?? channel.channelId, message.attachment, options?.threadId);
        return { messageId: ts, permalink: buildPermalink(workspace, posted.channel ?? channel.channelId, ts, options?.threadId) };
      } catch (error) {
        throw toDeliveryError(error, `chat.postMessage to ${channel.channelId}`);
      }
    },
    async updateMessage(channel: ChannelRef, messageId: string, message: Reply): Promise<void> {
      try {
        const { client } = await directory.access(channel.workspaceId);
        await client.chat.update({ channel: channel.channelId, ts: messageId, ...renderBlocks(message) });
      } catch (error) {
        throw toDeliveryError(error, `chat.update of ${messageId} in ${channel.channelId}`);
      }
    },
    async sendDirectMessage(user: UserRef, message: Reply, options?: Pick<SendOptions, 'idempotencyKey'>): Promise<PostedMessage> {
      try {
        const { client, workspace } = await directory.access(user.workspaceId);
        // A user id as the channel posts in the app's direct messages with that user.
        const posted = await client.chat.postMessage({
          channel: user.userId,
          ...renderBlocks(message),
          unfurl_links: false,
          ...outboxMetadata(options?.idempotencyKey),
        });
        const ts = posted.ts ?? '';
        if (message.attachment && posted.channel) await uploadFile(client, log, posted.channel, message.attachment);
        return { messageId: ts, permalink: posted.channel ? buildPermalink(workspace, posted.channel, ts) : undefined };
      } catch (error) {
        throw toDeliveryError(error, `direct message to ${user.userId}`);
      }
    },
    async openGroupConversation(users: readonly UserRef[], message: Reply, options?: GroupOptions): Promise<PostedMessage> {
      const workspaceId = users[0]?.workspaceId ?? '';
      // conversations.open with several users opens (or finds) their multi-person DM, the bot included.
      let opened: { client: webApi.WebClient; workspace: SlackWorkspace; channelId: string };
      try {
        const { client, workspace } = await directory.access(workspaceId);
        const answer = await client.conversations.open({ users: users.map((user) => user.userId).join(',') });
        const channelId = answer.channel?.id ?? '';
        if (!channelId) throw new Error('conversations.open answered without a channel');
        opened = { client, workspace, channelId };
      } catch (error) {
        throw toDeliveryError(error, `conversations.open with ${users.length} people`);
      }
      // The same people always get the same conversation; it is remembered so that a retry looks for the post there.
      if (opened.channelId !== options?.conversationId) await options?.onOpened?.(opened.channelId);
      try {
        const posted = await opened.client.chat.postMessage({
          channel: opened.channelId,
          ...renderBlocks(message),
          unfurl_links: false,
          ...outboxMetadata(options?.idempotencyKey),
        });
        const ts = posted.ts ?? '';
        return { messageId: ts, conversationId: opened.channelId, permalink: buildPermalink(opened.workspace, opened.channelId, ts) };
      } catch (error) {
        throw toDeliveryError(error, `chat.postMessage to the group DM ${opened.channelId}`);
      }
    },
    async findSent(destination: Destination, key: string, since: number): Promise<PostedMessage | undefined> {
      const { workspaceId, where } = describeDestination(destination);
      try {
        const { client, workspace } = await directory.access(workspaceId);
        const channelId = await conversationOf(client, destination);
        const threadId = 'channel' in destination ? destination.threadId : undefined;
        const ts = await findKeyInHistory(client, channelId, key, since, threadId);
        return ts ? { messageId: ts, permalink: buildPermalink(workspace, channelId, ts, threadId) } : undefined;
      } catch (error) {
        throw toDeliveryError(error, `looking for an earlier post in ${where}`);
      }
    },
    async prepareHomeChannel(channel: ChannelRef): Promise<ChannelAccess> {
      try {
        const { client } = await directory.access(channel.workspaceId);
        const found = await client.conversations.info({ channel: channel.channelId });
        const info = found.channel ?? {};
        if (info.is_archived) return { ok: false, problem: 'This channel is archived; unarchive it or link another channel.' };
        if (info.is_im || info.is_mpim) return { ok: false, problem: 'A direct message cannot be a home channel; run /cop link in a channel.' };
        if (info.is_member) return { ok: true, name: info.name };
        if (info.is_private) return { ok: false, problem: inviteFirst };
        await client.conversations.join({ channel: channel.channelId });
        log.info({ channel: channel.channelId }, 'joined a public channel to make it a home channel');
        return { ok: true, name: info.name };
      } catch (error) {
        const code = slackErrorCode(error);
        // Slack hides private channels the bot is not in: to it they do not exist.
        if (code === 'channel_not_found' || code === 'not_in_channel' || code === 'method_not_supported_for_channel_type')
          return { ok: false, problem: inviteFirst };
        const sentence = describeForPerson(error);
        if (sentence) {
          log.warn({ channel: channel.channelId, slackError: code }, 'could not prepare a home channel');
          return { ok: false, problem: sentence };
        }
        throw toDeliveryError(error, `preparing ${channel.channelId} as a home channel`);
      }
    },
  };
}

function describeDestination(destination: Destination): { workspaceId: string; where: string } {
  if ('channel' in destination) return { workspaceId: destination.channel.workspaceId, where: destination.channel.channelId };
  if ('user' in destination) return { workspaceId: destination.user.workspaceId, where: destination.user.userId };
  return { workspaceId: destination.group[0]?.workspaceId ?? '', where: `the group DM of ${destination.group.map((user) => user.userId).join(', ')}` };
}

// A direct message is looked for in the app's DM conversation with the person (im:history), a group's introduction in
// their group DM (mpim:history): conversations.open finds the existing one.
async function conversationOf(client: webApi.WebClient, destination: Destination): Promise<string> {
  if ('channel' in destination) return destination.channel.channelId;
  const users = 'user' in destination ? [destination.user] : destination.group;
  const opened = await client.conversations.open({ users: users.map((user) => user.userId).join(',') });
  return opened.channel?.id ?? '';
}

/** The event type Weaver's outbox posts carry in their message metadata; the payload is `{ key }`. */
export const outboxEventType = 'weaver_outbox';

function outboxMetadata(key: string | undefined) {
  return key ? { metadata: { event_type: outboxEventType, event_payload: { key } } } : {};
}

// Slack's ts of a message is when Slack received it; reading from a minute before the send started allows for clocks.
const clockSlackMs = 60_000;
const historyPages = 5;

/** The ts of the message carrying this outbox key, posted since `since` (ms), in the channel or in one thread of it. */
async function findKeyInHistory(client: webApi.WebClient, channel: string, key: string, since: number, threadTs?: string): Promise<string | undefined> {
  const oldest = ((since - clockSlackMs) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < historyPages; page++) {
    const answer = threadTs
      ? await client.conversations.replies({ channel, ts: threadTs, oldest, include_all_metadata: true, limit: 200, cursor })
      : await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200, cursor });
    const found = answer.messages?.find(
      (m) => m.metadata?.event_type === outboxEventType && (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
    );
    if (found?.ts) return found.ts;
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!answer.has_more || !cursor) return undefined;
  }
  // Over a thousand messages since the send started and none of them ours: it is taken as never posted.
  return undefined;
}

// A failed upload is logged, not thrown: the message is posted, and a retry would post it twice.
async function uploadFile(client: webApi.WebClient, log: Logger, channelId: string, attachment: Attachment, threadTs?: string): Promise<void> {
  const { filename, content } = attachment;
  try {
    if (threadTs) await client.filesUploadV2({ channel_id: channelId, thread_ts: threadTs, filename, title: filename, content });
    else await client.filesUploadV2({ channel_id: channelId, filename, title: filename, content });
  } catch (error) {
    log.warn({ channel: channelId, filename, slackError: slackErrorCode(error) }, 'could not upload a file after its message');
  }
}

/** A message's permalink from the workspace URL, as chat.getPermalink would give it, without a call per message. */
export function buildPermalink(workspace: Pick<SlackWorkspace, 'url'>, channelId: string, ts: string, threadTs?: string): string | undefined {
  if (!ts || !workspace.url) return undefined;
  const base = `${workspace.url.replace(/\/?$/, '/')}archives/${channelId}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
}
