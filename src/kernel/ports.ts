import type { ChannelRef, Platform, UserRef } from './identity.js';
import type { Reply } from './reply.js';
import type { Route } from './routes.js';

export type PostedMessage = Readonly<{
  messageId: string;
  permalink?: string;
  /** The conversation a group introduction opened (a Slack group DM, a Discord thread), to post in it again. */
  conversationId?: string;
}>;

/**
 * Names one outbox row. A port that can makes the send idempotent with it (Discord's nonce) or findable afterwards
 * (Slack's message metadata), so that a send whose outcome was lost can be retried without a second post.
 */
export type SendOptions = Readonly<{ threadId?: string; idempotencyKey?: string }>;

/**
 * A group post's retry goes to the conversation its first attempt opened, with the same key, so that it is looked for
 * there (Slack) or made idempotent there (Discord's nonce) instead of opening a second conversation with a second post.
 */
export type GroupOptions = Readonly<{
  near?: ChannelRef;
  idempotencyKey?: string;
  /** The conversation an earlier attempt opened. */
  conversationId?: string;
  /** Called once the conversation is open and before anything is posted in it, to remember it for a retry. */
  onOpened?: (conversationId: string) => Promise<void>;
}>;

/** Where a message went: a channel (optionally a thread in it), a person's direct messages, or a group's conversation. */
export type Destination =
  Readonly<{ channel: ChannelRef; threadId?: string }> | Readonly<{ user: UserRef }> | Readonly<{ group: readonly UserRef[]; near?: ChannelRef }>;

/** `note`: something the channel works without but is worth saying in `link`'s answer (a missing optional permission). */
export type ChannelAccess = { ok: true; name?: string; note?: string } | { ok: false; problem: string };

/** An event as a platform's own calendar shows it (a Discord server's Events tab). */
export type MirroredEvent = Readonly<{
  title: string;
  description: string;
  startsAt: number;
  endsAt: number;
  /** The place, or a link to the event's post: 1 to 100 characters. */
  location: string;
  cancelled: boolean;
}>;

/** `missing`: the permission the bot lacks there, in the platform's words. */
export type MirrorOutcome = { ok: true; mirrorId: string } | { ok: false; missing: string };

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
  /**
   * Optional, where a direct message to someone new costs two requests (Discord: open the DM channel, then post):
   * opens the person's DM channel and remembers it in `direct_message_channel`, so that the outbox can pace the open
   * and the post apart, each counted at the instant it goes out.
   */
  openDirectMessage?(user: UserRef): Promise<void>;
  /** Makes sure the bot can post in the channel (joining a public one if needed), for `link`. */
  prepareHomeChannel(channel: ChannelRef): Promise<ChannelAccess>;
  /**
   * Optional: shows an event in the platform's own calendar in one workspace or server. Without `mirrorId` it creates
   * the copy; with it, it edits it (or cancels it, when `event.cancelled`).
   */
  mirrorEvent?(workspaceId: string, event: MirroredEvent, mirrorId?: string): Promise<MirrorOutcome>;
  /**
   * Opens a private conversation with these people of one workspace and posts the message there: a group direct
   * message where the platform has them, otherwise a private thread in `near` with the people added. Optional: where
   * it is missing, the outbox sends the message to each of them by direct message.
   */
  openGroupConversation?(users: readonly UserRef[], message: Reply, options: GroupOptions): Promise<PostedMessage>;
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
