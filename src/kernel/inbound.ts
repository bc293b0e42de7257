import type { Logger } from 'pino';
import type { ChannelRef, UserRef } from './identity.js';
import type { Reply } from './reply.js';

/**
 * What adapters report of the conversation itself (not commands), normalized: a message, an edit, a
 * deletion, a reaction. Slack sends `ts`/`thread_ts`; Discord message ids and thread channels; both map here.
 */
export type InboundMessage = Readonly<{
  channel: ChannelRef;
  messageId: string;
  /** The thread's root message id when this is a reply in a thread; absent for a top-level message. */
  threadId?: string;
  author: UserRef;
  authorName?: string;
  text: string;
  at: number;
  permalink?: string;
}>;

export type InboundEvent =
  | Readonly<{ kind: 'message'; message: InboundMessage }>
  | Readonly<{ kind: 'edited'; channel: ChannelRef; messageId: string; text: string; at: number }>
  | Readonly<{ kind: 'deleted'; channel: ChannelRef; messageId: string }>
  /** `emoji` is the platform-neutral name: Slack's `white_check_mark`, Discord's ✅ both arrive as 'white_check_mark'. */
  | Readonly<{ kind: 'reaction'; channel: ChannelRef; messageId: string; threadId?: string; user: UserRef; emoji: string; at: number }>
  /** The "Harvest answer" message action (Slack shortcut, Discord context-menu command) on a message. */
  | Readonly<{ kind: 'mark-answer'; channel: ChannelRef; messageId: string; threadId?: string; user: UserRef; at: number }>
  /** "Interested" clicked (or taken back) on an event's copy in the platform's own calendar (PlatformPort.mirrorEvent). */
  | Readonly<{ kind: 'event-interest'; workspaceId: string; mirrorId: string; user: UserRef; userName?: string; interested: boolean; at: number }>;

/** A part of the core that follows the conversation: prompt replies, harvesting. It may answer the person who acted. */
export type InboundListener<S> = (services: S, event: InboundEvent) => Promise<Reply | void>;

/**
 * Hands one event to every listener, in order. Adapters drop the bot's own messages before calling this;
 * listeners must be idempotent, because platforms redeliver.
 */
export async function handleInbound<S extends { log: Logger }>(services: S, listeners: readonly InboundListener<S>[], event: InboundEvent): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const listener of listeners) {
    try {
      const reply = await listener(services, event);
      if (reply) replies.push(reply);
    } catch (error) {
      services.log.error({ err: error, kind: event.kind }, 'inbound event failed');
    }
  }
  return replies;
}
