import type { InboundEvent } from '../../src/kernel/inbound.js';
import { buildPermalink, type SlackWorkspace } from './slack-port.js';
import { decodeSlackText } from './slack-text.js';

// Message subtypes that are still a member speaking; every other subtype (joins, topics, bots) is not conversation.
const memberSubtypes = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

type Fields = Readonly<Record<string, unknown>>;

/**
 * A Slack Events API event as the core's InboundEvent, or undefined when it is nothing the core follows: a bot's
 * message (ours included, which Slack sends back), a channel join, a reaction on a file.
 */
export function toInboundEvent(
  event: Fields,
  teamId: string,
  workspace: Pick<SlackWorkspace, 'url' | 'botUserId' | 'botId'>,
  now: number,
): InboundEvent | undefined {
  const channelId = text(event.channel);
  if (event.type === 'reaction_added') {
    const item = record(event.item);
    const user = text(event.user);
    const itemChannel = text(item.channel);
    const ts = text(item.ts);
    if (item.type !== 'message' || !user || !itemChannel || !ts || user === workspace.botUserId) return undefined;
    return {
      kind: 'reaction',
      channel: { platform: 'slack', workspaceId: teamId, channelId: itemChannel },
      messageId: ts,
      user: { platform: 'slack', workspaceId: teamOf(event, teamId), userId: user },
      emoji: text(event.reaction) ?? '',
      at: toMillis(text(event.event_ts)) || now,
    };
  }
  if (event.type !== 'message' || !channelId) return undefined;
  const channel = { platform: 'slack' as const, workspaceId: teamId, channelId };
  const subtype = text(event.subtype);

  if (subtype === 'message_deleted') {
    const deleted = text(event.deleted_ts);
    return deleted ? { kind: 'deleted', channel, messageId: deleted } : undefined;
  }
  if (subtype === 'message_changed') {
    const message = record(event.message);
    const ts = text(message.ts);
    if (!ts || isFromBot(message, workspace)) return undefined;
    // A deleted message that has thread replies is not removed but replaced by a tombstone: for the core, a deletion.
    if (message.subtype === 'tombstone') return { kind: 'deleted', channel, messageId: ts };
    const edited = text(record(message.edited).ts) ?? text(event.event_ts);
    return { kind: 'edited', channel, messageId: ts, text: decodeSlackText(text(message.text) ?? '', 'label-and-url'), at: toMillis(edited) || now };
  }
  if (!memberSubtypes.has(subtype) || isFromBot(event, workspace)) return undefined;
  const ts = text(event.ts);
  const user = text(event.user);
  if (!ts || !user) return undefined;
  const thread = text(event.thread_ts);
  const threadId = thread && thread !== ts ? thread : undefined;
  return {
    kind: 'message',
    message: {
      channel,
      messageId: ts,
      threadId,
      author: { platform: 'slack', workspaceId: teamOf(event, teamId), userId: user },
      text: decodeSlackText(text(event.text) ?? '', 'label-and-url'),
      at: toMillis(ts) || now,
      permalink: buildPermalink(workspace, channelId, ts, threadId),
    },
  };
}

// Slack Connect: someone from another organisation is known by their own team (`user_team`, else `team`).
function teamOf(event: Fields, receivedBy: string): string {
  return text(event.user_team) ?? text(event.team) ?? receivedBy;
}

function isFromBot(message: Fields, workspace: Pick<SlackWorkspace, 'botUserId' | 'botId'>): boolean {
  return message.bot_id !== undefined || message.subtype === 'bot_message' || message.user === workspace.botUserId;
}

/** Slack's `ts` ("1700000000.123456", seconds) as epoch milliseconds. */
export function toMillis(ts: string | undefined): number {
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function record(value: unknown): Fields {
  return typeof value === 'object' && value !== null ? (value as Fields) : {};
}
