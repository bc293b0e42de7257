import { Client, GatewayIntentBits, Partials, type ClientOptions, type RateLimitData } from 'discord.js';
import type { DiscordSettings, DiscordShards } from '../../src/kernel/settings.js';

export type DiscordConfig = DiscordSettings;

/** Longer waits than this are not slept through: the call fails with a RateLimitError, which becomes a clear answer or a scheduled retry. */
export const longestRateLimitWaitMs = 5_000;

/**
 * Only the intents Weaver uses. Guilds: channels, threads and roles (for permissions). GuildMessages and
 * MessageContent (privileged): the text of question threads and prompt replies, for harvesting.
 * GuildMessageReactions: the ✅ that marks an answer. GuildScheduledEvents: "Interested" clicks in the Events tab.
 */
export const intents = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildScheduledEvents,
];

// The outbox's own calls: it paces them, counts every retry against the platform's budget and retries a refusal at the
// time Discord asks. Slept through and retried by discord.js instead, they went out uncounted: after a global 429 (whose
// Retry-After is whole seconds) every post held back went at once, into the next second's budget, and met 429s again.
const outboxRoutes = new Set(['POST /channels/:id/messages', 'PATCH /channels/:id/messages/:id', 'POST /users/@me/channels']);

/** Which rate-limit waits to give up on rather than sleep through; the rest are slept through and retried (and logged). */
export function shouldRejectRateLimit(data: Pick<RateLimitData, 'method' | 'route' | 'retryAfter' | 'timeToReset'>): boolean {
  if (outboxRoutes.has(`${data.method.toUpperCase()} ${data.route}`)) return true;
  const wait = Math.max(data.retryAfter, data.timeToReset);
  // An interaction must be answered within 3 s of the click; a longer wait only fails later, with the person still waiting.
  if (data.route.startsWith('/interactions/')) return wait > 1_000;
  return wait > longestRateLimitWaitMs;
}

/**
 * discord.js's own sharding, in this process: one gateway session per shard, each receiving the events and interactions
 * of its servers only (guild id >> 22, modulo the count). `auto` asks GET /gateway/bot for the count and runs every shard.
 */
export function shardOptions(shards: DiscordShards = { count: 'auto' }): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (shards.count === 'auto') return { shards: 'auto' };
  return { shards: shards.ids ? [...shards.ids] : Array.from({ length: shards.count }, (_, id) => id), shardCount: shards.count };
}

export function createDiscordClient(config: DiscordConfig): Client {
  return new Client({
    intents,
    ...shardOptions(config.shards),
    // Reactions and edits on messages from before the last start arrive on uncached messages and channels.
    partials: [Partials.Message, Partials.Reaction, Partials.Channel],
    // Nothing Weaver posts pings anyone: member lists and quoted text must not notify whole servers.
    allowedMentions: { parse: [] },
    rest: {
      api: config.apiUrl,
      // @discordjs/rest sleeps through 429s by itself; beyond a few seconds we would rather say so (see errors.ts).
      rejectOnRateLimit: shouldRejectRateLimit,
      // 5xx answers are retried twice, each call gives up after 10 s: interaction tokens live 15 minutes, people less.
      retries: 2,
      timeout: 10_000,
      // Node's own fetch, not the undici copy @discordjs/rest bundles: @slack/socket-mode loads a newer undici that
      // replaces the process-wide dispatcher, and the older copy then cannot send file uploads through it.
      makeRequest: (url, init) => fetch(url, init),
    },
  });
}
