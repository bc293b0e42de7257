import { Events, type Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Services, InboundListener } from '../../src/storage/services.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import type { PlatformPort } from '../../src/kernel/ports.js';
import { loggableError } from './errors.js';
import { inlineReplyRoot, locateMessage } from './locate.js';
import type { WorkTracker } from '../../src/kernel/work.js';

export type EventDeps = Readonly<{
  client: Client;
  services: Services;
  listeners: readonly InboundListener[];
  log: Logger;
  /** Where replies the listeners give the person who acted are sent: Discord has no ephemeral messages outside interactions. */
  port: PlatformPort;
  work: WorkTracker;
}>;

const checkMark = '✅';

/** Feeds the conversation in servers to the core's listeners: messages, edits, deletions and ✅ reactions. */
export function followConversations(deps: EventDeps): void {
  const { client } = deps;
  const seen = createRecentSet(2000);
  const run = (what: string, work: () => Promise<void>) => {
    void deps.work.track(work().catch((error: unknown) => deps.log.error({ err: loggableError(error), event: what }, 'Discord event failed')));
  };

  client.on(Events.MessageCreate, (message) =>
    run('message', async () => {
      // Bots, webhooks and system notices are not members speaking.
      if (!message.inGuild() || message.author.bot || message.webhookId || message.system) return;
      // A resumed session can replay a message; the core's writes are idempotent, this only saves the work.
      if (!seen.add(`message:${message.id}`)) return;
      const place = await locateMessage(client, message.guildId, message.channelId);
      await deliver(deps, message.author.id, message.guildId, {
        kind: 'message',
        message: {
          channel: place.channel,
          // In a thread channel the thread is the conversation; in the channel itself, an inline reply joins the one it answers.
          threadId: place.threadId ?? inlineReplyRoot(message),
          messageId: message.id,
          author: { platform: 'discord', workspaceId: message.guildId, userId: message.author.id },
          authorName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
          // Mentions as people read them (@Ann, #outreach), so search results and exports show names, not ids.
          text: message.cleanContent,
          at: message.createdTimestamp,
          permalink: message.url,
        },
      });
    }),
  );

  client.on(Events.MessageUpdate, (old, message) =>
    run('edited', async () => {
      const guildId = message.guildId;
      if (!guildId || message.author?.bot || typeof message.content !== 'string') return;
      // Discord also sends an update when a link preview appears; only a change of text is an edit.
      if (!old.partial && old.content === message.content) return;
      const { channel } = await locateMessage(client, guildId, message.channelId);
      const at = message.editedTimestamp ?? deps.services.clock.now();
      await deliver(deps, undefined, guildId, { kind: 'edited', channel, messageId: message.id, text: message.cleanContent ?? message.content, at });
    }),
  );

  client.on(Events.MessageDelete, (message) =>
    run('deleted', async () => {
      if (!message.guildId) return;
      const { channel } = await locateMessage(client, message.guildId, message.channelId);
      await deliver(deps, undefined, message.guildId, { kind: 'deleted', channel, messageId: message.id });
    }),
  );

  // A ✅ taken back and given again is a new mark (the asker may have marked another reply in between), not a replay.
  client.on(Events.MessageReactionRemove, (reaction, user) => {
    if (reaction.emoji.name === checkMark) seen.forget(`reaction:${reaction.message.id}:${user.id}`);
  });

  // A moderator's purge deletes many messages in one event; each is a deletion for the core.
  client.on(Events.MessageBulkDelete, (messages, channel) =>
    run('deleted', async () => {
      const { channel: place } = await locateMessage(client, channel.guildId, channel.id);
      for (const messageId of messages.keys()) await deliver(deps, undefined, channel.guildId, { kind: 'deleted', channel: place, messageId });
    }),
  );

  client.on(Events.MessageReactionAdd, (reaction, user) => {
    const message = reaction.message;
    // discord.js ignores a MESSAGE_CREATE for a message it already holds, even the partial a reaction made of one not seen
    // yet; forgetting that partial lets the message itself still arrive, and a ✅ that came first still count.
    if (message.partial) message.channel?.messages?.cache.delete(message.id);
    run('reaction', async () => {
      if (reaction.emoji.name !== checkMark || user.bot) return;
      if (!message.guildId) return;
      if (!seen.add(`reaction:${message.id}:${user.id}`)) return;
      const place = await locateMessage(client, message.guildId, message.channelId);
      await deliver(deps, user.id, message.guildId, {
        kind: 'reaction',
        ...place,
        messageId: message.id,
        user: { platform: 'discord', workspaceId: message.guildId, userId: user.id },
        emoji: 'white_check_mark',
        at: deps.services.clock.now(),
      });
    });
  });
}

async function deliver(deps: EventDeps, actorId: string | undefined, guildId: string, event: InboundEvent): Promise<void> {
  const replies = await handleInbound(deps.services, deps.listeners, event);
  if (!actorId) return;
  for (const reply of replies) {
    try {
      await deps.port.sendDirectMessage({ platform: 'discord', workspaceId: guildId, userId: actorId }, reply);
    } catch (error) {
      deps.log.warn({ err: loggableError(error), user: actorId }, 'Could not send a direct message about a conversation event');
    }
  }
}

/** Remembers the last `size` keys; `add` is false for a key already there. */
function createRecentSet(size: number) {
  const keys = new Set<string>();
  return {
    add(key: string): boolean {
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > size) keys.delete(keys.values().next().value!);
      return true;
    },
    forget(key: string): void {
      keys.delete(key);
    },
  };
}
