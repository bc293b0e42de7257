import { PGlite, types } from '@electric-sql/pglite';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import { searchKnowledge } from '../../src/harvest/search.js';
import { copyDatabase, CopyRefused, describeCopy, type CopyReport } from '../../src/storage/copy.js';
import { openDatabase, type Db } from '../../src/storage/database.js';
import { PortableSchemaPlugin } from '../../src/storage/postgres.js';
import type { Database } from '../../src/storage/schema.js';
import { createTestWorld, tempDatabasePath } from '../support/harness.js';
import { slackHome, slackMessage, slackReaction, slackUser } from '../support/fixtures.js';
import { createRecordingPort } from '../support/recording-port.js';
import { postgresTestUrl } from '../support/test-database.js';

const run = promisify(execFile);

// The copy goes to a new database on the PostgreSQL server (WEAVER_TEST_POSTGRES_URL or 127.0.0.1:5432), or, where no
// server answers, to PGlite (embedded PostgreSQL), as the postgres suites decide (tests/support/postgres-setup.ts).
async function connectAdmin(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: postgresTestUrl(), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return client;
  } catch {
    await client.end().catch(() => undefined);
    console.log('migrate --to: no PostgreSQL server answers; copying into PGlite (the CLI test, which needs a server, is not run)');
    return undefined;
  }
}
const admin = await connectAdmin();
afterAll(() => admin?.end());

let made = 0;
/** A new, empty PostgreSQL database, dropped when the test ends: its URL on the server, or a PGlite instance. */
async function emptyPostgres(): Promise<{ url?: string; db: Db }> {
  if (!admin) {
    const lite = await PGlite.create({ parsers: { [types.INT8]: Number, [types.NUMERIC]: Number } });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(lite), plugins: [new PortableSchemaPlugin()] });
    onTestFinished(() => db.destroy());
    return { db };
  }
  const name = `weaver_copy_${process.pid}_${++made}`;
  await admin.query(`create database "${name}"`);
  const url = new URL(postgresTestUrl());
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString());
  onTestFinished(async () => {
    await db.destroy();
    await admin.query(`drop database if exists "${name}" with (force)`);
  });
  return { url: url.toString(), db };
}

/** A SQLite installation with something in every part that matters: communities, members, practices, Q&A, events, posts. */
async function seededSqlite(): Promise<string> {
  const path = tempDatabasePath();
  const slack = createRecordingPort('slack');
  const w = await createTestWorld({ databasePath: path, ports: [slack.port] });
  expect((await w.run('admin', 'create outreach "STEM Outreach"')).text).toContain('outreach');
  await w.run('admin', 'create makers Makers');
  // A network created after a community that joins it: the community's row refers to a later row of its own table.
  await w.run('admin', 'create stem-net "STEM Network" kind:network');
  expect((await w.run('admin', 'set outreach network stem-net')).text).toContain('now in the STEM Network network');
  const outreach = (await w.db.selectFrom('community').selectAll().where('slug', '=', 'outreach').executeTakeFirstOrThrow()) as never;
  await linkHomeChannel(w.db, outreach, { ...slackHome, name: 'outreach' }, w.clock.now());
  await w.send(slackMessage('1732370000.000100', 'U0ASK0001', 'How should we store the chemistry demo kit safely?'));
  await w.send(slackMessage('1732370060.000200', 'U0BOB0002', 'Store the chemistry kit in a locked cabinet.', { threadTs: '1732370000.000100' }));
  await w.send(slackReaction('1732370060.000200', 'U0ASK0001', w.clock.now()));
  await w.runAs(slackUser('U0PAT0006'), 'share outreach Chemistry shows: practise every demo twice.', slackHome);
  await w.runAs(slackUser('U0PAT0006'), 'join makers', slackHome);
  expect((await w.run('admin', 'event create outreach "Taster day" 2026-12-03 14:00')).refusal).toBeUndefined();
  await w.tickAt('2026-11-23T10:05:00Z');
  await w.close();
  return path;
}

async function counts(db: Db, tables: readonly string[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables)
    result[table] = Number(
      (
        await db
          .selectFrom(table as 'community')
          .select(db.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return result;
}

describe('copying a SQLite installation into PostgreSQL', () => {
  it('copies every table, keeps search working and moves the identity sequences past the copied ids', async () => {
    const path = await seededSqlite();
    const source = openDatabase(path);
    onTestFinished(() => source.destroy());
    const target = (await emptyPostgres()).db;

    const report = await copyDatabase(source, target, { batchSize: 2 });

    expect(report.mismatches).toEqual([]);
    const names = report.tables.map((count) => count.table);
    expect(names).toEqual(expect.arrayContaining(['community', 'member', 'practice', 'harvest_thread', 'harvest_message', 'event', 'outbox']));
    expect(names.filter((name) => /^kysely_|_fts($|_)/.test(name))).toEqual([]);
    // Parents before children.
    expect(names.indexOf('community')).toBeLessThan(names.indexOf('home_channel'));
    expect(names.indexOf('harvest_thread')).toBeLessThan(names.indexOf('harvest_message'));
    const expected = await counts(source, names);
    expect(await counts(target, names)).toEqual(expected);
    for (const table of ['community', 'member', 'practice', 'harvest_message', 'event', 'outbox']) expect(expected[table], table).toBeGreaterThan(0);

    const outreach = await target.selectFrom('community').select(['id', 'network_id']).where('slug', '=', 'outreach').executeTakeFirstOrThrow();
    expect(outreach.network_id).toBeGreaterThan(outreach.id);

    const { hits } = await searchKnowledge(target, 'store chemistry kit', { now: Date.parse('2026-11-23T11:00:00Z') });
    expect(hits[0]).toMatchObject({ role: 'answer' });
    expect(hits[0]!.text).toContain('locked cabinet');

    const created = await createCommunity(target, { slug: 'robots', name: 'Robots' }, Date.now());
    const ids = (await target.selectFrom('community').select('id').execute()).map((row) => row.id);
    expect(created!.id).toBe(Math.max(...ids));
    expect(ids.filter((id) => id === created!.id)).toHaveLength(1);
    expect(created!.id).toBeGreaterThan(expected.community!);

    const again = copyDatabase(source, target);
    await expect(again).rejects.toThrow(CopyRefused);
    await expect(again).rejects.toThrow(
      "The PostgreSQL database already holds Weaver's data (rows in community, event, event_post and 10 more tables); copy into an empty database.",
    );
  }, 120_000); // PGlite, where it is the target, takes seconds to start and migrate.

  it('refuses a target that is not PostgreSQL', async () => {
    const source = openDatabase(tempDatabasePath());
    const other = openDatabase(tempDatabasePath());
    onTestFinished(async () => {
      await source.destroy();
      await other.destroy();
    });
    await expect(copyDatabase(source, other)).rejects.toThrow('The database to copy into must be PostgreSQL (a postgres:// URL).');
  });

  it('names the tables whose counts differ', () => {
    const report: CopyReport = {
      migration: '2026-12-02-07-outbox-sends',
      tables: [
        { table: 'community', source: 2, target: 2 },
        { table: 'outbox', source: 3, target: 2 },
      ],
      mismatches: [{ table: 'outbox', source: 3, target: 2 }],
    };
    const text = describeCopy(report);
    expect(text).toMatch(/^table\s+SQLite\s+PostgreSQL\ncommunity\s+2\s+2\noutbox\s+3\s+2 {2}← differs\n/);
    expect(text.split('\n').at(-1)).toBe('Counts differ in outbox (SQLite 3, PostgreSQL 2); the copy is not complete.');
  });
});

describe('npm run migrate -- --to', () => {
  const cli = (path: string, ...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: path };
    delete env.DATABASE_URL;
    return run('npx', ['tsx', 'src/app/migrate-cli.ts', ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  };

  // The CLI runs in a process of its own, which needs a server to reach: PGlite lives in this process only (the copy
  // itself is tested on PGlite above). CI always has the server.
  if (admin)
    it('copies the database at DATABASE_PATH, prints the counts, and refuses a second copy into the same database', async () => {
      const path = await seededSqlite();
      const { url } = await emptyPostgres();
      const copied = await cli(path, '--to', url!);
      expect(copied.stderr).toBe('');
      expect(copied.code).toBe(0);
      expect(copied.stdout).toMatch(/^community\s+3\s+3$/m);
      expect(copied.stdout).toMatch(/All \d+ tables match \(\d+ rows, schema [\w-]+\)\.\n$/);
      const second = await cli(path, '--to', url!);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /^The PostgreSQL database already holds Weaver's data \(rows in [a-z_, ]+ and \d+ more tables\); copy into an empty database\.\n$/,
      );
    }, 60_000); // Each run starts tsx in a new process.

  it('refuses a --to that is not a PostgreSQL URL, and a DATABASE_PATH with no database', async () => {
    const [notPostgres, missing] = await Promise.all([
      cli(tempDatabasePath(), '--to', 'mysql://root@localhost/weaver'),
      cli('/nonexistent/weaver.db', '--to', postgresTestUrl()),
    ]);
    expect(notPostgres).toMatchObject({ code: 1, stdout: '' });
    expect(notPostgres.stderr).toBe('--to must be a PostgreSQL URL such as postgres://weaver@db.example:5432/weaver, not "mysql://root@localhost/weaver".\n');
    expect(missing).toMatchObject({ code: 1, stderr: 'There is no database at /nonexistent/weaver.db; set DATABASE_PATH to the SQLite file to copy.\n' });
  }, 60_000);
});
