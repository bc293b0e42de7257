import { sql } from 'kysely';
import { pino } from 'pino';
import { inboundListeners } from '../../src/app/registry.js';
import type { Invocation } from '../../src/commands/define.js';
import { commands } from '../../src/commands/index.js';
import { executeText } from '../../src/commands/run.js';
import { setCoordinator } from '../../src/communities/communities.js';
import { ensureMember } from '../../src/communities/members.js';
import { manualClock } from '../../src/kernel/clock.js';
import type { AdminId, ChannelRef, Platform, UserRef } from '../../src/kernel/identity.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import type { PlatformPort } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { CoreSettings } from '../../src/kernel/settings.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import type { Community, Member } from '../../src/storage/schema.js';
import type { Services } from '../../src/storage/services.js';
import { openTestDatabase } from './test-database.js';

export const silentLog = pino({ level: 'silent' });

export { newTestDatabase, tempDatabasePath, testEngine } from './test-database.js';

export type TestWorld = Awaited<ReturnType<typeof createTestWorld>>;
export type CommandAnswer = Reply & { text: string };

/**
 * The one test world: a real migrated database (SQLite, or PostgreSQL in the `postgres` project), a manual clock, the platforms given as ports, and ways to act as
 * anyone: type a command (`run` on the console, `runAs` as a platform user), say something in a channel (`send`), and
 * move the clock and run one scheduler step (`tickAt`).
 */
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
  const db = await openTestDatabase(options.databasePath);
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

  /** Runs a command line as `user` on a platform, in `channel` (none: a direct message). */
  async function runAs(user: UserRef, line: string, channel?: ChannelRef & { name?: string }): Promise<CommandAnswer> {
    const invocation: Invocation = { caller: { user, name: user.userId, isPlatformAdmin: false }, channel };
    const reply = await executeText(services, commands, invocation, line);
    return { ...reply, text: renderPlainText(reply) };
  }

  /** Runs a command line as `user` on the console, in #general unless another channel is given. */
  function run(user: string, line: string, channelId: string | null = 'general'): Promise<CommandAnswer> {
    const channel = channelId === null ? undefined : { platform: 'console' as const, workspaceId: 'local', channelId, name: channelId };
    return runAs({ platform: 'console', workspaceId: 'local', userId: user }, line, channel);
  }

  /** Hands a conversation event (a message, reaction, …) to the core's listeners, as an adapter would. */
  const send = (event: InboundEvent) => handleInbound(services, inboundListeners, event);

  const member = (user: UserRef, name: string): Promise<Member> => ensureMember(db, user, name, clock.now());
  async function makeCoordinator(community: Community, user: UserRef, name: string): Promise<void> {
    await setCoordinator(db, community.id, (await member(user, name)).id, 'add', clock.now());
  }

  let scheduler: Scheduler | undefined;
  /** Moves the clock to `at` and runs one scheduler step. */
  async function tickAt(at: string | number) {
    clock.set(at);
    scheduler ??= createScheduler(services, { owner: 'test-scheduler' });
    return scheduler.tick();
  }

  return { db, clock, services, run, runAs, send, member, makeCoordinator, tickAt, close: () => db.destroy() };
}

/**
 * Empties every table Weaver keeps (the migrations' bookkeeping and the bot's own state aside), so that a test on a
 * long-running bot starts from nothing. Full-text indexes follow their tables through the tables' triggers.
 */
export async function emptyDatabase(db: Services['db']): Promise<void> {
  const tables = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and sql like 'CREATE TABLE "%' and name not like 'kysely_%' and name not in ('bot_state', 'scheduler_lease')`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    for (const { name } of tables.rows) await sql`delete from ${sql.table(name)}`.execute(db);
    await sql`delete from sqlite_sequence`.execute(db);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
