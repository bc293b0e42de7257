import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { manualClock } from '../../src/kernel/clock.js';
import { commands } from '../../src/commands/index.js';
import type { Invocation } from '../../src/commands/define.js';
import type { Services } from '../../src/storage/services.js';
import { executeText } from '../../src/commands/run.js';
import type { AdminId, Platform } from '../../src/kernel/identity.js';
import type { PlatformPort } from '../../src/kernel/ports.js';
import type { CoreSettings } from '../../src/kernel/settings.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import { openMigratedDatabase } from '../../src/storage/database.js';

export const silentLog = pino({ level: 'silent' });

export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'weaver-test-')), 'weaver.db');
}

export type TestWorld = Awaited<ReturnType<typeof createTestWorld>>;

/** A real migrated SQLite file, a manual clock, and a way to type commands as anyone. */
export async function createTestWorld(
  options: {
    admins?: AdminId[];
    coreLimit?: number;
    now?: string;
    ports?: PlatformPort[];
    settings?: Partial<CoreSettings>;
    databasePath?: string;
    harvestReminderDelayMs?: number;
  } = {},
) {
  const db = await openMigratedDatabase(options.databasePath ?? tempDatabasePath());
  const clock = manualClock(options.now ?? '2026-11-23T10:00:00Z');
  const services: Services = {
    db,
    clock,
    log: silentLog,
    platforms: new Map<Platform, PlatformPort>((options.ports ?? []).map((port) => [port.platform, port])),
    settings: {
      admins: options.admins ?? [{ platform: 'console', userId: 'admin' }],
      coreLimit: options.coreLimit ?? 1,
      defaultTimezone: 'Europe/London',
      harvestReminderDelayMs: options.harvestReminderDelayMs ?? 86_400_000,
      ...options.settings,
    },
  };

  /** Runs a command line as `user` (on the console, in #general unless another channel is given). */
  async function run(user: string, line: string, channelId: string | null = 'general'): Promise<Reply & { text: string }> {
    const invocation: Invocation = {
      caller: { user: { platform: 'console', workspaceId: 'local', userId: user }, name: user, isPlatformAdmin: false },
      channel: channelId === null ? undefined : { platform: 'console', workspaceId: 'local', channelId, name: channelId },
    };
    const reply = await executeText(services, commands, invocation, line);
    return { ...reply, text: renderPlainText(reply) };
  }

  return { db, clock, services, run, close: () => db.destroy() };
}
