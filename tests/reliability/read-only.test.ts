import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/kernel/ports.js';
import { createLogger } from '../../src/kernel/logger.js';
import type { Services } from '../../src/storage/services.js';
import { createTestWorld } from '../support/harness.js';
import { createRecordingPort } from '../support/recording-port.js';

type LogLine = { level: number; msg: string; err?: { message?: string; code?: string } };

function captureLog(services: Services): () => LogLine[] {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  (services as { log: Services['log'] }).log = createLogger('info', stream);
  return () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
}

// A database that turns read-only under the running bot (a volume remounted read-only, a file whose permissions were
// taken away and the bot reopened on it) answers every write with SQLITE_READONLY, "attempt to write a readonly
// database". Tests run as root here, for whom file permissions change nothing, so `PRAGMA query_only` puts the bot's own
// connection in that state: SQLite refuses its writes with the same code and words.
describe('a read-only database', () => {
  it('is named in the log, reads still answer, nothing acknowledged is lost, and it recovers when writes work again', async () => {
    const platform = createRecordingPort('console');
    const world = await createTestWorld({ ports: [platform.port], now: '2026-11-30T08:00:00Z' });
    const log = captureLog(world.services);
    await world.run('admin', 'create outreach "STEM Outreach"');
    await world.run('admin', 'link outreach');
    await world.run('admin', 'rhythm outreach weekly mon 09:00 timezone:UTC');
    await world.run('ann', 'join outreach');
    expect((await world.run('ann', 'share outreach Before the fault')).internalError).toBeFalsy();
    // The Monday prompt is acknowledged (in the outbox) but not yet sent: the platform failed it once.
    platform.script('#general', new DeliveryError('platform hiccup', false));
    await world.tickAt('2026-11-30T09:00:00Z');
    const promptRow = () => world.db.selectFrom('outbox').select(['status', 'key']).where('key', 'like', 'prompt:%').executeTakeFirstOrThrow();
    expect((await promptRow()).status).toBe('pending');
    const postsBefore = platform.posts.length;

    await sql`pragma query_only = on`.execute(world.db);
    const refused = await world.run('ann', 'share outreach During the fault');
    expect(refused.internalError).toBe(true);
    expect(refused.text).toBe('Something went wrong with /cop share; it has been logged. Please try again in a moment.');
    const said = log().find((line) => line.msg === 'command failed');
    expect(said?.err).toMatchObject({ code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' });
    // What needs no write answers as usual.
    expect((await world.run('ann', 'list')).text).toContain('STEM Outreach (outreach)');
    expect((await world.run('ann', 'mine')).text).toContain('STEM Outreach');
    expect((await world.run('bob', 'info outreach')).text).toContain('STEM Outreach');
    // The scheduler cannot take its lease nor claim a post: it sends nothing rather than something it cannot record.
    await expect(world.tickAt('2026-11-30T09:05:00Z')).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    expect(platform.posts.length).toBe(postsBefore);
    expect(
      log()
        .filter((line) => line.level >= 50)
        .map((line) => line.msg),
    ).toEqual(['command failed']);

    await sql`pragma query_only = off`.execute(world.db);
    expect((await world.run('ann', 'share outreach After the fault')).internalError).toBeFalsy();
    await world.tickAt('2026-11-30T09:10:00Z');
    // The acknowledged prompt went out once; every acknowledged practice is there, the refused one is not.
    expect((await promptRow()).status).toBe('sent');
    // With it, the Monday digest, due at the same time and held behind the prompt, went out once too.
    const after = platform.posts.slice(postsBefore).map((post) => post.text.split('\n')[0]);
    expect(after).toEqual(['💬 Share a practice · STEM Outreach', 'STEM Outreach: the last 7 days (23 Nov 2026 to 30 Nov 2026)']);
    expect(await world.db.selectFrom('outbox').select('status').where('status', '!=', 'sent').execute()).toEqual([]);
    const practices = (await world.db.selectFrom('practice').select('text').orderBy('id').execute()).map((row) => row.text);
    expect(practices).toEqual(['Before the fault', 'After the fault']);
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(world.db)).rows[0]!.integrity_check).toBe('ok');
    await world.close();
  });
});
