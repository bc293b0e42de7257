import type { Services } from './commands/define.js';
import type { ChannelRef, UserRef } from './identity.js';

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
  | Readonly<{ kind: 'reaction'; channel: ChannelRef; messageId: string; user: UserRef; emoji: string; at: number }>;

/** A part of the core that follows the conversation: prompt replies, harvesting. */
export type InboundListener = (services: Services, event: InboundEvent) => Promise<void>;

/**
 * Hands one event to every listener, in order. Adapters drop the bot's own messages before calling this;
 * listeners must be idempotent, because platforms redeliver.
 */
export async function handleInbound(services: Services, listeners: readonly InboundListener[], event: InboundEvent): Promise<void> {
  for (const listener of listeners) {
    try {
      await listener(services, event);
    } catch (error) {
      services.log.error({ err: error, kind: event.kind }, 'inbound event failed');
    }
  }
}
