// Services for benchmarks that drive the core directly: a real migrated database, a chosen clock, a silent log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock } from '../../src/kernel/clock.js';
import type { Services } from '../../src/storage/services.js';
import type { Platform } from '../../src/kernel/identity.js';
import type { PlatformPort, PostedMessage } from '../../src/kernel/ports.js';
import type { Db } from '../../src/storage/database.js';
import { silentLog } from '../../tests/support/harness.js';

export { silentLog };

export function benchDatabasePath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), `weaver-bench-${name}-`)), 'weaver.db');
}

/** Removes a database made by benchDatabasePath, with its WAL: a full search run leaves half a gigabyte. */
export function removeBenchDatabase(path: string): void {
  rmSync(dirname(path), { recursive: true, force: true });
}

export function benchServices(db: Db, clock: Clock, ports: readonly PlatformPort[] = []): Services {
  return {
    db,
    clock,
    log: silentLog,
    platforms: new Map<Platform, PlatformPort>(ports.map((port) => [port.platform, port])),
    settings: { admins: [{ platform: 'console', userId: 'admin' }], coreLimit: 1, defaultTimezone: 'UTC', harvestReminderDelayMs: 86_400_000 },
  };
}

/** A console port that accepts every post at once: what is measured is the scheduler, not a platform. */
export function instantConsolePort(): PlatformPort & { posts: number } {
  let counter = 0;
  const posted = (): PostedMessage => ({ messageId: String(++counter) });
  return {
    platform: 'console',
    get posts() {
      return counter;
    },
    postMessage: async () => posted(),
    updateMessage: async () => undefined,
    sendDirectMessage: async () => posted(),
    prepareHomeChannel: async () => ({ ok: true }),
  };
}
