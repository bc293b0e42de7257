import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

function runNpmStart(input: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A console session through the real start-up path, typed from a pipe; returns all it printed. */
async function typeInConsole(lines: readonly string[]): Promise<string> {
  const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath() });
  if (!loaded.ok) throw new Error(loaded.errors.join());
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += chunk));
  const weaver = await startWeaver(loaded.config, { log: silentLog, console: { input, output } });
  input.end(lines.join('\n'));
  await weaver.finished;
  await weaver.stop();
  return text;
}

describe('the console', () => {
  it('answers a piped session line by line and exits 0, as `npm start` does with no tokens', async () => {
    const { code, stdout } = await runNpmStart('create outreach "STEM Outreach"\nlink outreach\njoin outreach core\nmine\n', {
      DATABASE_PATH: tempDatabasePath(),
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      'Created STEM Outreach (outreach), status potential. Next: /cop link outreach in its home channel, /cop coordinator outreach @someone, and /cop set outreach domain <text>.',
      '#general is now the home channel of STEM Outreach: prompts, events and digests will be posted here.',
      'Welcome to STEM Outreach! You joined as a core member. See who is here with /cop members outreach.',
      'You are in 1 community:',
      '',
      '  STEM Outreach (outreach): core member',
    ]);
  });

  it('refuses to start with one message naming every invalid setting', async () => {
    const { code, stdout, stderr } = await runNpmStart('', { PORT: 'x', DEFAULT_TIMEZONE: 'Nowhere/Town', SLACK_BOT_TOKEN: 'xoxb-secret-value' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Weaver cannot start; fix these settings');
    expect(stderr).toMatch(/PORT[\s\S]*DEFAULT_TIMEZONE[\s\S]*SLACK_SIGNING_SECRET/);
    expect(stderr).not.toContain('xoxb-secret-value');
  });

  it('acts as another person, switches channel, and clicks buttons by number', async () => {
    const text = await typeInConsole([
      '/cop create outreach Outreach',
      ':in outreach-chat',
      'link outreach',
      ':as ann',
      'info outreach',
      ':press 2',
      'create other Other',
      'mine',
    ]);
    expect(text).toContain('#outreach-chat is now the home channel of Outreach');
    expect(text).toContain('[1] Join  [2] Join as core');
    expect(text).toContain('Welcome to Outreach! You joined as a core member.');
    expect(text).toContain('Only Weaver admins can use /cop create.');
    expect(text).toContain('Outreach (outreach): core member');
  });

  it('answers a mistyped console command in one line', async () => {
    const text = await typeInConsole([':as', ':reply 9 hello', ':react', ':press 1', ':teleport']);
    expect(text.trim().split('\n')).toEqual([
      'Say who to act as: :as ann (or :as admin).',
      'There is no message 9 in this session; messages are numbered as they appear, e.g. (message 1).',
      ':react needs a message number: :react 2',
      'The last answer has no buttons to press.',
      '“:teleport” is not a console command; :help lists them.',
    ]);
  });
});
