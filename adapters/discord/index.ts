import { Events, RESTEvents, type Client } from 'discord.js';
import type { Logger } from 'pino';
import type { CommandTable } from '../../src/commands/define.js';
import type { InboundListener, Services } from '../../src/storage/services.js';
import type { AdapterHandle } from '../../src/kernel/ports.js';
import { createButtonStore } from './button-store.js';
import { createDiscordClient, type DiscordConfig } from './client.js';
import { createDirectMessageChannels } from './direct-messages.js';
import { createDiscordPort } from './discord-port.js';
import { describeStartFailure, loggableError, toDeliveryError } from './errors.js';
import { followConversations } from './events.js';
import { handleInteraction } from './interactions.js';
import { registerCommands } from './register.js';
import { createEventMirror, followInterest } from './scheduled-events.js';
import { handleInbound } from '../../src/kernel/inbound.js';
import { createWorkTracker } from '../../src/kernel/work.js';

export type DiscordOptions = Readonly<{
  config: DiscordConfig;
  services: Services;
  commands: CommandTable;
  listeners: readonly InboundListener[];
  log: Logger;
  /** How long a command may take before its interaction is deferred; 1.5 s leaves room within Discord's 3 s. */
  deferAfterMs?: number;
  /** How long the first connection may take before the start fails. */
  connectTimeoutMs?: number;
}>;

/** Logs the bot in, registers its commands when they changed, and answers interactions and conversation events until stopped. */
export async function startDiscord(options: DiscordOptions): Promise<AdapterHandle> {
  const { config, services, commands, log } = options;
  const client = createDiscordClient(config);
  const buttons = createButtonStore(services);
  const port = { ...createDiscordPort(client, buttons.remember, createDirectMessageChannels(client, services)), mirrorEvent: createEventMirror(client, log) };
  watchConnection(client, log);

  const work = createWorkTracker();
  const deps = { client, services, commands, listeners: options.listeners, log, deferAfterMs: options.deferAfterMs ?? 1500, buttons };
  client.on(Events.InteractionCreate, (interaction) => void work.track(handleInteraction(deps, interaction)));
  followConversations({ client, services, listeners: options.listeners, log, port, work });
  followInterest(client, (change) => {
    const user = { platform: 'discord' as const, workspaceId: change.guildId, userId: change.userId };
    const event = {
      kind: 'event-interest' as const,
      workspaceId: change.guildId,
      mirrorId: change.scheduledEventId,
      user,
      userName: change.userName,
      interested: change.interested,
      at: services.clock.now(),
    };
    void work.track(handleInbound(services, options.listeners, event));
  });

  try {
    await connect(client, config.token, options.connectTimeoutMs ?? 60_000);
  } catch (error) {
    await client.destroy();
    throw new Error(describeStartFailure(error));
  }
  const shards = [...client.ws.shards.keys()];
  log.info({ user: client.user?.tag, guilds: client.guilds.cache.size, shards, shardCount: client.options.shardCount }, 'Discord connected');

  // Commands belong to the application, not to a shard: with the servers split across processes, the one running shard 0 registers them.
  if (shards.includes(0)) {
    try {
      const outcome = await registerCommands(client.rest, services.db, commands, config, { now: services.clock.now() });
      if (outcome.registered) log.info(outcome, 'Discord commands registered');
    } catch (error) {
      // The bot still follows conversations; the next start tries the registration again.
      log.error({ err: toDeliveryError(error, 'registering /cop') }, 'Discord commands could not be registered; run npm run register to retry');
    }
  }
  return {
    port,
    routes: [],
    waitUntilIdle: () => work.waitUntilIdle(),
    async stop() {
      await client.destroy();
      await work.waitUntilIdle();
    },
  };
}

/**
 * Settles when every shard of this process is ready. The timeout counts from the last shard that became ready: shards
 * identify one after another (5 s apart when Discord allows one at a time), so a process with many takes minutes in all.
 */
async function connect(client: Client, token: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onShardError: ((error: Error) => void) | undefined;
  let onShardReady: (() => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new Error(`Discord did not answer within ${timeoutMs / 1000} s (timed out)`)), timeoutMs);
    };
    arm();
    onShardReady = arm;
    onShardError = reject;
    client.on(Events.ShardReady, onShardReady);
    client.once(Events.ShardError, onShardError);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const login = client.login(token);
  // When `failed` wins the race, the login's own rejection that may follow is expected, not unhandled.
  login.catch(() => undefined);
  try {
    await Promise.race([Promise.all([login, ready]), failed]);
  } finally {
    clearTimeout(timer);
    if (onShardError) client.off(Events.ShardError, onShardError);
    if (onShardReady) client.off(Events.ShardReady, onShardReady);
  }
}

// discord.js reconnects and resumes by itself; these lines say what happened, and 'error' must have a listener.
function watchConnection(client: Client, log: Logger): void {
  client.on(Events.Error, (error) => log.error({ err: loggableError(error) }, 'Discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'Discord warning'));
  client.on(Events.ShardReady, (shard) => log.info({ shard }, 'Discord shard ready'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, 'Discord gateway disconnected for good'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'Discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'Discord gateway resumed'));
  client.on(Events.ShardError, (error, shard) => log.warn({ err: error, shard }, 'Discord gateway error'));
  // A 429 storm holds back every queued request at once: one line per route every few seconds, saying how many more.
  const held = new Map<string, { since: number; more: number }>();
  client.rest.on(RESTEvents.RateLimited, (info) => {
    const key = `${info.method} ${info.route} ${String(info.global)}`;
    const now = Date.now();
    const last = held.get(key);
    if (last && now - last.since < rateLimitLogMs) {
      last.more++;
      return;
    }
    held.set(key, { since: now, more: 0 });
    const alsoHeldBefore = last?.more ? { alsoHeldBefore: last.more } : {};
    log.warn(
      { route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global, ...alsoHeldBefore },
      'Discord rate limit; waiting before retrying',
    );
  });
}

const rateLimitLogMs = 10_000;
