import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/kernel/logger.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderBlocks } from './render-blocks.js';
import { describeForPerson, slackErrorCode } from './slack-errors.js';
import type { Respond } from './response-url.js';

/** Where an answer to one person's action goes: their response_url first, the Web API when that fails. */
export type ReplyTarget = Readonly<{
  client: webApi.WebClient;
  log: Logger;
  userId: string;
  /** The channel the action came from; absent in a direct message. */
  channelId?: string;
  respond?: Respond;
}>;

/**
 * Delivers the core's answer to a command or a click. Channel replies are posted with chat.postMessage, so that
 * they are the bot's own messages with a `ts` (a thread can grow under them); when Slack refuses (the bot is not in
 * the channel, a rate limit) the response_url posts them in the channel instead. Caller replies are ephemeral.
 */
export async function deliverReply(target: ReplyTarget, reply: Reply): Promise<void> {
  const ready = reply.attachment ? await uploadAttachment(target, reply) : reply;
  const message = renderBlocks(ready);
  if (ready.visibility === 'channel' && target.channelId) {
    try {
      await target.client.chat.postMessage({ channel: target.channelId, ...message, unfurl_links: false });
      return;
    } catch (error) {
      target.log.warn({ channel: target.channelId, slackError: slackErrorCode(error) }, 'chat.postMessage failed; answering through response_url instead');
    }
  }
  const responseType = ready.visibility === 'channel' ? 'in_channel' : 'ephemeral';
  if (target.respond) {
    try {
      await target.respond({ response_type: responseType, replace_original: false, ...message });
      return;
    } catch (error) {
      target.log.warn({ err: error, user: target.userId }, 'response_url refused the answer; trying the Web API');
    }
  }
  try {
    if (target.channelId) await target.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
    else await target.client.chat.postMessage({ channel: target.userId, ...message, unfurl_links: false });
  } catch (error) {
    target.log.error({ err: error, user: target.userId, slackError: slackErrorCode(error) }, 'could not deliver an answer on Slack');
  }
}

// Files go where the reply goes: a channel reply's file to the channel, a personal one to the person's direct messages.
async function uploadAttachment(target: ReplyTarget, reply: Reply): Promise<Reply> {
  const attachment = reply.attachment!;
  const withoutFile: Reply = { ...reply, attachment: undefined };
  try {
    const toChannel = reply.visibility === 'channel' && target.channelId !== undefined;
    const channelId = toChannel ? target.channelId : await openDirectMessage(target.client, target.userId);
    await target.client.filesUploadV2({ channel_id: channelId, filename: attachment.filename, title: attachment.filename, content: attachment.content });
    return toChannel ? reply : { ...reply, body: [...reply.body, ` ${attachment.filename} is in your direct messages with Weaver.`] };
  } catch (error) {
    target.log.warn({ err: error, filename: attachment.filename, slackError: slackErrorCode(error) }, 'file upload failed');
    const why = describeForPerson(error) ?? 'Slack did not accept the file; please try again in a moment.';
    return { ...withoutFile, body: [...reply.body, ` I could not attach ${attachment.filename}: ${why}`] };
  }
}

async function openDirectMessage(client: webApi.WebClient, userId: string): Promise<string> {
  const opened = await client.conversations.open({ users: userId });
  const id = opened.channel?.id;
  if (!id) throw new Error('conversations.open returned no channel');
  return id;
}
