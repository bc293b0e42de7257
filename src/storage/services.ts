import type { InboundListener as KernelInboundListener } from '../kernel/inbound.js';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.js';
import type { PlatformPorts } from '../kernel/ports.js';
import type { CoreSettings } from '../kernel/settings.js';
import type { Db } from './database.js';

/**
 * Everything a use case may use: wired once in app/start.ts, and in tests with a real database and a manual clock.
 * It lives with storage because it is the lowest layer that knows the database.
 */
export type Services = Readonly<{
  db: Db;
  clock: Clock;
  settings: CoreSettings;
  log: Logger;
  platforms: PlatformPorts;
}>;

/** A part of the core that follows the conversation (prompt replies, harvesting); it may answer the person who acted. */
export type InboundListener = KernelInboundListener<Services>;
