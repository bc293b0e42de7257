import { PassThrough } from 'node:stream';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/logger.js';
import type { Services } from '../../src/storage/services.js';
import { createTestWorld } from '../support/harness.js';

/** Swaps the world's log for one whose lines the test can read. */
function captureLog(services: Services): { lines: () => { level: number; msg: string; err?: { message?: string; code?: string } }[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  (services as { log: Services['log'] }).log = createLogger('info', stream);
  return {
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message?: string; code?: string } }),
  };
}

async function practices(services: Services): Promise<string[]> {
  return (await services.db.selectFrom('practice').select('text').orderBy('id').execute()).map((row) => row.text);
}

describe('disk and database faults', () => {
  it('SQLITE_BUSY: another writer holds the lock past the busy timeout; the user gets a sentence, the log says why, reads go on, and it recovers', async () => {
    const world = await createTestWorld();
    const log = captureLog(world.services);
    await world.run('admin', 'create outreach "STEM Outreach"');
    expect((await world.run('ann', 'share outreach Before the lock')).internalError).toBeFalsy();

    // Another process's writer (a second connection) takes the write lock and keeps it.
    const path = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(world.db)).rows[0]!.file;
    const other = new SQLite(path);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    other.prepare("insert into bot_state (key, value) values ('lock-holder', 'x') on conflict do nothing").run();

    const blocked = await world.run('ann', 'share outreach During the lock');
    expect(blocked.internalError).toBe(true);
    expect(blocked.text).toBe('Something went wrong with /cop share; it has been logged. Please try again in a moment.');
    const logged = log.lines().find((line) => line.msg === 'command failed');
    expect(logged?.err?.code ?? logged?.err?.message).toMatch(/SQLITE_BUSY|database is locked/);
    // Reading does not need the write lock (WAL): answers go on.
    expect((await world.run('ann', 'list')).text).toContain('STEM Outreach (outreach)');

    other.exec('ROLLBACK');
    other.close();
    expect((await world.run('ann', 'share outreach After the lock')).internalError).toBeFalsy();
    // Nothing acknowledged is lost; the refused write left nothing half-done.
    expect(await practices(world.services)).toEqual(['Before the lock', 'After the lock']);
    await world.close();
  }, 20_000);

  it('SQLITE_FULL: a size-limited database refuses writes with a sentence and a log line, keeps answering reads, and recovers when space is made', async () => {
    const world = await createTestWorld();
    const log = captureLog(world.services);
    await world.run('admin', 'create outreach "STEM Outreach"');
    await world.run('ann', 'join outreach');
    // PRAGMA max_page_count is SQLite's own size limit: the file may not grow past the pages it has now, plus two.
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(world.db)).rows[0]!.page_count;
    await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(world.db);

    const acknowledged: string[] = [];
    let refused = 0;
    for (let i = 1; i <= 40; i++) {
      const text = `Practice ${i} ${'detail '.repeat(300)}`.trim();
      const answer = await world.run('ann', `share outreach ${text}`);
      if (answer.internalError) refused++;
      else acknowledged.push(text);
    }
    expect(refused).toBeGreaterThan(0);
    const logged = log.lines().find((line) => line.msg === 'command failed');
    expect(logged?.err?.code ?? logged?.err?.message).toMatch(/SQLITE_FULL|database or disk is full/);
    // Reads still answer.
    expect((await world.run('ann', 'mine')).text).toContain('STEM Outreach');
    expect((await world.run('ann', 'list')).text).toContain('STEM Outreach (outreach)');
    // Everything acknowledged is there; nothing refused is.
    expect(await practices(world.services)).toEqual(acknowledged);

    // Space is made: writes work again.
    await sql.raw('pragma max_page_count = 1073741823').execute(world.db);
    expect((await world.run('ann', 'share outreach After the disk was freed')).internalError).toBeFalsy();
    expect((await practices(world.services)).at(-1)).toBe('After the disk was freed');
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(world.db)).rows[0]!.integrity_check).toBe('ok');
    await world.close();
  });
});
