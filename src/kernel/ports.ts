import type { ChannelRef, Platform, UserRef } from './identity.js';
import type { Reply } from './reply.js';
import type { Route } from './routes.js';

export type PostedMessage = Readonly<{ messageId: string; permalink?: string }>;

/**
 * Names one outbox row. A port that can makes the send idempotent with it (Discord's nonce) or findable afterwards
 * (Slack's message metadata), so that a send whose outcome was lost can be retried without a second post.
 */
export type SendOptions = Readonly<{ threadId?: string; idempotencyKey?: string }>;

/** Where a message went: a channel (optionally a thread in it) or a person's direct messages. */
export type Destination = Readonly<{ channel: ChannelRef; threadId?: string }> | Readonly<{ user: UserRef }>;

export type ChannelAccess = { ok: true; name?: string } | { ok: false; problem: string };

/**
 * What the core needs from a chat platform, implemented by each adapter. Failures the core should
 * treat differently (a channel that is gone, a rate limit) are thrown as DeliveryError.
 */
export interface PlatformPort {
  readonly platform: Platform;
  postMessage(channel: ChannelRef, message: Reply, options?: SendOptions): Promise<PostedMessage>;
  /** Replaces a message the bot posted earlier, e.g. an event post whose RSVP counts changed. */
  updateMessage(channel: ChannelRef, messageId: string, message: Reply): Promise<void>;
  sendDirectMessage(user: UserRef, message: Reply, options?: Pick<SendOptions, 'idempotencyKey'>): Promise<PostedMessage>;
  /** Makes sure the bot can post in the channel (joining a public one if needed), for `link`. */
  prepareHomeChannel(channel: ChannelRef): Promise<ChannelAccess>;
  /**
   * Looks for a message posted with this idempotency key since `since` (ms): the outbox asks before re-sending a row
   * whose earlier send was started but never answered. Undefined when none is there. Ports without it are re-sent.
   */
  findSent?(destination: Destination, idempotencyKey: string, since: number): Promise<PostedMessage | undefined>;
}

export type PlatformPorts = ReadonlyMap<Platform, PlatformPort>;

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A running platform adapter, as the composition root sees it. */
export type AdapterHandle = Readonly<{
  port: PlatformPort;
  routes: readonly Route[];
  /** Settles once the work started by events and interactions received so far has finished. */
  waitUntilIdle(): Promise<void>;
  stop(): Promise<void>;
}>;
