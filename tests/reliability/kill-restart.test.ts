import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDatabasePath } from '../support/harness.js';

// The short version of the crash soak: the real bot process (`npm start`, here on the console) killed with SIGKILL
// while writes are in flight, twice, and restarted on the same database. Nothing it acknowledged is lost.

function startBot(databasePath: string): { child: ChildProcessWithoutNullStreams; nextLine: () => Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, DATABASE_PATH: databasePath }, stdio: 'pipe' });
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    nextLine: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    exited,
  };
}

describe('killed with SIGKILL mid-write, restarted', () => {
  it('keeps every acknowledged write, and the database passes integrity_check after each kill', async () => {
    const path = tempDatabasePath();
    const acknowledged: string[] = [];
    let first = true;
    for (const round of [1, 2]) {
      const bot = startBot(path);
      if (first) {
        bot.child.stdin.write('create outreach "STEM Outreach"\n');
        expect(await bot.nextLine()).toMatch(/^Created STEM Outreach/);
        first = false;
      }
      for (let i = 1; i <= 6; i++) {
        const text = `Round ${round} practice ${i}`;
        bot.child.stdin.write(`share outreach ${text}\n`);
        expect(await bot.nextLine()).toMatch(/^Thank you! Your practice is now part of the STEM Outreach repertoire/);
        acknowledged.push(text);
      }
      // More writes in flight, unacknowledged, and the process is killed without warning.
      for (let i = 7; i <= 30; i++) bot.child.stdin.write(`share outreach Round ${round} unacknowledged ${i}\n`);
      bot.child.kill('SIGKILL');
      await bot.exited;

      const db = new SQLite(path);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = (db.prepare('select text from practice order by id').all() as { text: string }[]).map((row) => row.text);
      db.close();
      for (const text of acknowledged) expect(stored).toContain(text);
    }

    // A clean start on the same database afterwards answers as before.
    const bot = startBot(path);
    bot.child.stdin.end('list\n');
    expect(await bot.nextLine()).toMatch(/STEM Outreach|communit/);
    expect(await bot.exited).toBe(0);
  }, 60_000);
});
