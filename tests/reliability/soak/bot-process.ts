// The real bot as `npm start` runs it (node --import tsx src/main.ts), its log appended to one file across restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';

export type BotProcess = Readonly<{
  child: ChildProcess;
  exited: Promise<void>;
  startedAt: number;
  /** When it logged "Weaver is running" (its platforms connected, its scheduler started); undefined until then. */
  runningSince(): number | undefined;
}>;

export function startBot(env: Record<string, string>, logPath: string): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let running: number | undefined;
  const write = (chunk: Buffer) => {
    appendFileSync(logPath, chunk);
    if (running === undefined && chunk.includes('"msg":"Weaver is running"')) running = Date.now();
  };
  child.stdout?.on('data', write);
  child.stderr?.on('data', write);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return { child, exited, startedAt: Date.now(), runningSince: () => running };
}

export const isRunning = (bot: BotProcess) => bot.child.exitCode === null && bot.child.signalCode === null;

export type LogSummary = Readonly<{
  lines: number;
  bytes: number;
  /** Lines that are not the bot's JSON log (a stack trace printed by something else). */
  unstructured: number;
  byMessage: Record<string, number>;
  /** Why posts were retried: the error, digits elided, and how often. */
  retries: Record<string, number>;
  errors: number;
}>;

/** Reads the bot's log (pino JSON lines) into what was said and how often. */
export function summarizeLog(logPath: string): LogSummary {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    // No log at all: the bot said nothing.
  }
  const lines = text.split('\n').filter(Boolean);
  const byMessage: Record<string, number> = {};
  const retries: Record<string, number> = {};
  let unstructured = 0;
  let errors = 0;
  for (const line of lines) {
    let entry: { msg?: string; level?: number; error?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      unstructured++;
      continue;
    }
    const msg = entry.msg ?? '(no message)';
    byMessage[msg] = (byMessage[msg] ?? 0) + 1;
    if ((entry.level ?? 0) >= 50) errors++;
    if (msg === 'outbox post will be retried') {
      const reason = String(entry.error ?? 'unknown')
        .replace(/\d+(\.\d+)?/g, 'N')
        .slice(0, 100);
      retries[reason] = (retries[reason] ?? 0) + 1;
    }
  }
  return { lines: lines.length, bytes: Buffer.byteLength(text), unstructured, byMessage, retries, errors };
}
