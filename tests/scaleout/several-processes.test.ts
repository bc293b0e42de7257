import { describe, expect, inject, it } from 'vitest';
import { openTestDatabase, tempDatabasePath, testEngine, newTestDatabase } from '../support/test-database.js';
import { runSeveralProcesses } from './several-processes-world.js';

// Three real processes share one database: on the PostgreSQL server (the `postgres` project), or, where only PGlite
// runs (one process's embedded engine), on one SQLite file, which several processes on one machine may share too.
const shared = testEngine === 'postgres' && inject('postgres').kind === 'server';

describe(`three Weaver processes on one ${shared ? 'PostgreSQL database' : 'SQLite file'}`, () => {
  it('deliver a fan-out of prompts and reminders exactly once while one of them is killed mid-way', async () => {
    const location = shared ? await newTestDatabase() : tempDatabasePath();
    const run = await runSeveralProcesses({
      location,
      openDb: () => openTestDatabase(location),
      processes: 3,
      channelsPerPlatform: 12,
      latencyMs: 400,
      kill: { process: 0, afterMs: 300 },
    });
    // Killed while posts were on their way (the fakes take a post in at once and answer 400 ms later).
    expect(run.unsettledAtKill).toBeGreaterThan(0);
    expect(run.lost).toEqual([]);
    expect(run.duplicated).toEqual([]);
  }, 180_000);
});
