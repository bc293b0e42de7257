import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { backupDatabase } from '../../src/storage/backup.js';
import { createTestWorld, silentLog, tempDatabasePath } from '../support/harness.js';

function runBackupCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/backup-cli.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('backups', () => {
  it('npm run backup copies a live database while a writer runs; restored into a fresh directory, the bot finds everything there', async () => {
    const livePath = tempDatabasePath();
    const world = await createTestWorld({ databasePath: livePath });
    await world.run('admin', 'create outreach "STEM Outreach" domain:"Reaching new audiences"');
    await world.run('admin', 'create makers "Makers Guild"');
    await world.run('admin', 'link outreach', 'outreach-home');
    await world.run('ann', 'join outreach core');
    await world.run('bob', 'join makers');

    // A writer keeps sharing practices, one committed transaction each, for as long as the backup runs.
    let writing = true;
    let shared = 0;
    const writer = (async () => {
      while (writing) {
        const answer = await world.run('ann', `share outreach Practice number ${shared + 1}`);
        if (!answer.internalError) shared++;
        // Let the event loop breathe (the backup's child process reports through it), as a bot serving requests does.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    while (shared < 20) await new Promise((resolve) => setImmediate(resolve));
    const beforeBackup = shared;
    const backupPath = join(mkdtempSync(join(tmpdir(), 'weaver-backup-')), 'weaver-backup.db');
    const cli = await runBackupCli([backupPath], { DATABASE_PATH: livePath });
    writing = false;
    await writer;
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^Backed up .* to .*weaver-backup\.db \(\d+ bytes, \d+ tables, integrity ok\)\.\n$/);
    expect(shared).toBeGreaterThan(beforeBackup); // the writer really ran during the backup
    await world.close();

    // A consistent copy: every practice committed before the backup began, and a gap-free prefix of the rest.
    const copy = new SQLite(backupPath, { readonly: true });
    const ids = (copy.prepare('select id from practice order by id').all() as { id: number }[]).map((row) => row.id);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(ids.length).toBeGreaterThanOrEqual(beforeBackup);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i));

    // Restore as the README says: copy the backup to DATABASE_PATH in a fresh directory, then start Weaver on it.
    const restoredPath = join(mkdtempSync(join(tmpdir(), 'weaver-restored-')), 'weaver.db');
    copyFileSync(backupPath, restoredPath);
    const loaded = loadConfig({ DATABASE_PATH: restoredPath });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => (text += chunk));
    const weaver = await startWeaver(loaded.config, { log: silentLog, console: { input, output, as: 'ann' } });
    input.end('list\nmine\nsearch number\ninfo outreach\n');
    await weaver.finished;
    const practices = await weaver.services.db
      .selectFrom('practice')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await weaver.stop();
    expect(Number(practices.n)).toBe(ids.length);
    expect(text).toContain('STEM Outreach (outreach)');
    expect(text).toContain('Makers Guild (makers)');
    expect(text).toMatch(/STEM Outreach \(outreach\): core member/);
    expect(text).toContain('Practice number');
    expect(text).toContain('Reaching new audiences');
  });

  it('never overwrites a file, and says so', async () => {
    const path = tempDatabasePath();
    const world = await createTestWorld({ databasePath: path });
    await world.close();
    const existing = join(mkdtempSync(join(tmpdir(), 'weaver-backup-')), 'taken.db');
    copyFileSync(tempSource(), existing);
    expect(() => backupDatabase(path, existing)).toThrow(`${existing} already exists; choose a new file name (a backup never overwrites one).`);
    expect(() => backupDatabase(`${path}.missing`, `${existing}.new`)).toThrow(/There is no database at .*; check DATABASE_PATH\./);
    const cli = await runBackupCli([], { DATABASE_PATH: path });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('Usage: npm run backup -- <file>');
  });

  it('points a PostgreSQL deployment to pg_dump', async () => {
    const cli = await runBackupCli(['x.db'], { DATABASE_URL: 'postgres://weaver@localhost/weaver' });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('pg_dump');
    expect(existsSync('x.db')).toBe(false);
  });
});

function tempSource(): string {
  const path = tempDatabasePath();
  new SQLite(path).close();
  return path;
}
