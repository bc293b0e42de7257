// The composition root: with main.ts, the only place in src/ that knows the adapters exist.
import type { Server } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { sql } from 'kysely';
import { createConsolePort } from '../../adapters/console/console-port.js';
import { createConsoleMessageIds } from '../../adapters/console/message-ids.js';
import { runConsole } from '../../adapters/console/console.js';
import { startSlack } from '../../adapters/slack/index.js';
import type { WorkLimits } from '../kernel/work.js';
import { startDiscord } from '../../adapters/discord/index.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { commands } from '../commands/index.js';
import type { Services } from '../storage/services.js';
import type { Config } from './config.js';
import { createHttpServer, healthRoute, listen } from './http.js';
import type { Platform } from '../kernel/identity.js';
import { inboundListeners } from './registry.js';
import { createLogger, type Logger } from '../kernel/logger.js';
import type { AdapterHandle, PlatformPort } from '../kernel/ports.js';
import { openMigratedDatabase } from '../storage/database.js';
import { calendarRoutes } from '../events/calendar.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { databaseLocation, type CoreSettings } from '../kernel/settings.js';
import type { Route } from '../kernel/routes.js';
import { webRoutes } from '../web/routes.js';
import { restoreWorkspace, retireWorkspace } from '../installations/workspaces.js';

export type StartOptions = Readonly<{
  clock?: Clock;
  log?: Logger;
  console?: { as?: string; channel?: string; input?: Readable; output?: Writable };
  /** The bound on work behind Slack's acks (tests make it small); `defaultWorkLimits` otherwise. */
  workLimits?: WorkLimits;
}>;

export type RunningWeaver = Readonly<{
  services: Services;
  /** The HTTP server's port, when one runs (always, unless the console found PORT in use). */
  httpPort?: number;
  /** Settles when the bot has nothing more to do: the console's input ended. Platforms run until stopped. */
  finished: Promise<void>;
  /** Settles once every platform event and interaction received so far has been fully handled (for tests and shutdown). */
  waitUntilIdle(): Promise<void>;
  stop(): Promise<void>;
}>;

/** The one start-up path, used by `npm start` and by the end-to-end tests. */
export async function startWeaver(config: Config, options: StartOptions = {}): Promise<RunningWeaver> {
  const log = options.log ?? createLogger(config.logLevel);
  const db = await openMigratedDatabase(databaseLocation(config));
  const platforms = new Map<Platform, PlatformPort>();
  const settings: { -readonly [K in keyof CoreSettings]: CoreSettings[K] } = {
    admins: config.admins,
    coreLimit: config.coreLimit,
    defaultTimezone: config.defaultTimezone,
    downtimeGraceMs: config.downtimeGraceMs,
    // PUBLIC_URL's default names the port actually listened on (PORT=0 picks one), set once the server listens.
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    harvestReminderDelayMs: config.harvestReminderDelayMs,
    outboxClaimMs: config.outboxClaimMs,
    bridgeDelayMs: config.bridgeDelayMs,
    secretKey: config.secretKey,
  };
  const services: Services = { db, clock: options.clock ?? systemClock, log, platforms, settings };
  const httpRoutes = (extra: readonly Route[]): Route[] => [
    healthRoute(async () => void (await sql`select 1`.execute(db))),
    ...calendarRoutes(services),
    ...webRoutes({ services }),
    ...extra,
  ];
  const listenOn = async (running: Server) => {
    const port = await listen(running, config.port);
    if (!config.publicUrl) settings.publicUrl = `http://localhost:${port}`;
    return port;
  };

  const adapters: AdapterHandle[] = [];
  let server: Server | undefined;
  let httpPort: number | undefined;
  let scheduler: Scheduler | undefined;
  const stop = async () => {
    await scheduler?.stop();
    await Promise.allSettled(adapters.map((adapter) => adapter.stop()));
    const running = server;
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    await db.destroy();
  };

  try {
    if (config.slack) {
      adapters.push(
        await startSlack({
          config: config.slack,
          services,
          commands,
          listeners: inboundListeners,
          log,
          workLimits: options.workLimits,
          onWorkspaceRemoved: (teamId, reason) =>
            db
              .transaction()
              .execute(async (trx) => void (await retireWorkspace(trx, { platform: 'slack', workspaceId: teamId }, reason, services.clock.now()))),
          onWorkspaceInstalled: async (teamId) => void (await restoreWorkspace(db, { platform: 'slack', workspaceId: teamId })),
        }),
      );
    }
    if (config.discord) adapters.push(await startDiscord({ config: config.discord, services, commands, listeners: inboundListeners, log }));
    for (const adapter of adapters) platforms.set(adapter.port.platform, adapter.port);
    if (adapters.length > 0) {
      server = createHttpServer(httpRoutes(adapters.flatMap((adapter) => adapter.routes)), log);
      httpPort = await listenOn(server);
      scheduler = createScheduler(services, { leaseMs: config.schedulerLeaseMs });
      scheduler.start();
      log.info({ port: httpPort, platforms: [...platforms.keys()] }, 'Weaver is running');
      const waitUntilIdle = async () => void (await Promise.all(adapters.map((adapter) => adapter.waitUntilIdle())));
      return { services, httpPort, finished: new Promise<void>(() => {}), waitUntilIdle, stop: once(stop) };
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const input = options.console?.input ?? process.stdin;
  const output = options.console?.output ?? process.stdout;
  const interactive = 'isTTY' in input && input.isTTY === true;
  // The console serves the calendars and web pages too; a port in use leaves the console working without them.
  const consoleServer = createHttpServer(httpRoutes([]), log);
  try {
    httpPort = await listenOn(consoleServer);
    server = consoleServer;
    if (interactive) output.write(`Web pages at ${settings.publicUrl}: sign in with the link in the answer to /cop list.\n`);
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    log.warn({ port: config.port, err: error }, 'The HTTP server did not start; the console runs without web pages');
    if (interactive)
      output.write(
        `The web pages and calendars are not served: ${inUse ? `port ${config.port} is in use` : 'the HTTP server could not start'} (set PORT to another port). The console works as usual.\n`,
      );
  }
  const messageIds = createConsoleMessageIds();
  platforms.set(
    'console',
    createConsolePort((text) => output.write(text), messageIds),
  );
  // The console gets prompts, event posts and reminders too, printed as they fall due.
  scheduler = createScheduler(services, { leaseMs: config.schedulerLeaseMs });
  scheduler.start();
  const finished = runConsole({
    services,
    commands,
    listeners: inboundListeners,
    input,
    output,
    as: options.console?.as,
    channel: options.console?.channel,
    messageIds,
    interactive,
  });
  return { services, httpPort, finished, waitUntilIdle: () => Promise.resolve(), stop: once(stop) };
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
