import type { Readable, Writable } from 'node:stream';
import { createConsolePort } from '../adapters/console/console-port.js';
import { runConsole } from '../adapters/console/console.js';
import { systemClock, type Clock } from './clock.js';
import { commands } from './commands/index.js';
import type { Services } from './commands/define.js';
import type { Config } from './config.js';
import type { Platform } from './identity.js';
import { createLogger, type Logger } from './logger.js';
import type { PlatformPort } from './platform.js';
import { openMigratedDatabase } from './storage/database.js';

export type StartOptions = Readonly<{
  clock?: Clock;
  log?: Logger;
  console?: { as?: string; channel?: string; input?: Readable; output?: Writable };
}>;

export type RunningWeaver = Readonly<{
  services: Services;
  /** Settles when the bot has nothing more to do: the console's input ended. Platforms run until stopped. */
  finished: Promise<void>;
  stop(): Promise<void>;
}>;

/** The one start-up path, used by `npm start` and by the end-to-end tests. */
export async function startWeaver(config: Config, options: StartOptions = {}): Promise<RunningWeaver> {
  const log = options.log ?? createLogger(config.logLevel);
  const db = await openMigratedDatabase(config.databasePath);
  const platforms = new Map<Platform, PlatformPort>();
  const services: Services = {
    db,
    clock: options.clock ?? systemClock,
    log,
    platforms,
    settings: { admins: config.admins, coreLimit: config.coreLimit, defaultTimezone: config.defaultTimezone },
  };

  const input = options.console?.input ?? process.stdin;
  const output = options.console?.output ?? process.stdout;
  platforms.set('console', createConsolePort((text) => output.write(text)));
  const finished = runConsole({
    services,
    commands,
    input,
    output,
    as: options.console?.as,
    channel: options.console?.channel,
    interactive: 'isTTY' in input && input.isTTY === true,
  });

  let stopped = false;
  return {
    services,
    finished,
    async stop() {
      if (stopped) return;
      stopped = true;
      await db.destroy();
    },
  };
}
