// The real bot process (`npm start`: node --import tsx src/main.ts) against a fake Slack and a fake Discord that answer
// posts slowly, killed with SIGKILL in the middle of a fan-out of prompts and started again: each channel is counted.
// Used by tests/delivery/crash-fanout.test.ts (a few repetitions) and bench/crash-fanout.ts (twenty).
import { spawn, type ChildProcess } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { openMigratedDatabase } from '../../src/storage/database.js';
import { FakeDiscord } from '../fakes/discord-api.js';
import { ids } from '../fakes/discord-world.js';
import { fakeBot, fakeTeam, startFakeSlack } from '../fakes/slack-api.js';
import { testSigningSecret } from '../fakes/slack-requests.js';
import { tempDatabasePath } from '../support/harness.js';

export type CrashRun = Readonly<{
  /** Channels that got no prompt, and those that got more than one, on both platforms. */
  lost: string[];
  duplicated: string[];
  /** Prompts seen in the fakes when the first process was killed. */
  postedBeforeKill: number;
  killAfterMs: number;
  /** From the start of the first process to its first post; from the kill to every channel served. */
  firstPostAfterMs: number;
  servedAfterKillMs: number;
  seconds: number;
}>;

export type CrashOptions = Readonly<{
  channelsPerPlatform?: number;
  /** How long the fakes take to answer a post (the post itself takes effect at once). */
  latencyMs?: number;
  /** OUTBOX_CLAIM_TIMEOUT and SCHEDULER_LEASE for both processes, in seconds. */
  takeoverSeconds?: number;
  /** Bounds the wait for the restarted process to serve every channel. */
  deadlineMs?: number;
}>;

const slackChannel = (round: number, i: number) => `C0R${round}N${String(i).padStart(3, '0')}`;
const discordChannel = (round: number, i: number) => `119000000000${String(round).padStart(3, '0')}0${String(i).padStart(3, '0')}`;

/** One round's communities, whose weekly prompt is due now, each with one home channel: half on Slack, half on Discord. */
function seedRound(path: string, round: number, channels: number, now: number): void {
  const sqlite = new SQLite(path);
  sqlite.pragma('busy_timeout = 10000');
  sqlite.transaction(() => {
    const community = sqlite.prepare("insert into community (id, slug, name, status, digest_on, created_at, updated_at) values (?, ?, ?, 'launched', 0, 0, 0)");
    const home = sqlite.prepare(
      'insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (?, ?, ?, ?, ?, 0)',
    );
    const rhythm = sqlite.prepare(
      "insert into rhythm (community_id, schedule, timezone, next_run_at, created_at, updated_at) values (?, 'weekly mon 09:00', 'UTC', ?, 0, 0)",
    );
    for (let i = 0; i < 2 * channels; i++) {
      const onSlack = i < channels;
      const id = round * 2 * channels + i + 1;
      community.run(id, `cop-${id}`, `Community ${id}`);
      home.run(
        id,
        onSlack ? 'slack' : 'discord',
        onSlack ? fakeTeam.id : ids.guild,
        onSlack ? slackChannel(round, i) : discordChannel(round, i - channels),
        `cop-${id}`,
      );
      rhythm.run(id, now - 1_000);
    }
  })();
  sqlite.close();
}

function startBot(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const t0 = Date.now();
  const show = (chunk: unknown) => process.env.CRASH_DEBUG && process.stderr.write(`+${Date.now() - t0} ${String(chunk)}`);
  child.stdout?.on('data', show);
  child.stderr?.on('data', show);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rounds of: a fan-out falls due, the process serving it is killed `killAfterMs(round)` after its first post reaches a
 * fake, a new process is started on the same database, and it serves the rest. The process started after one round's
 * kill is the one killed in the next round, so n rounds start n + 1 processes.
 */
export async function runCrashFanouts(options: CrashOptions & { rounds: number; killAfterMs: (round: number) => number }): Promise<CrashRun[]> {
  const channels = options.channelsPerPlatform ?? 10;
  const latencyMs = options.latencyMs ?? 1_500;
  const takeover = options.takeoverSeconds ?? 3;
  const rounds = Array.from({ length: options.rounds }, (_, round) => ({
    slack: Array.from({ length: channels }, (_, i) => slackChannel(round, i)),
    discord: Array.from({ length: channels }, (_, i) => discordChannel(round, i)),
  }));
  const slack = await startFakeSlack({ channels: rounds.flatMap((r) => r.slack).map((id) => ({ id, name: id.toLowerCase(), is_member: true })) });
  slack.answerSlowly('chat.postMessage', latencyMs);
  const discord = await FakeDiscord.start();
  for (const [i, id] of rounds.flatMap((r) => r.discord).entries()) {
    discord.channels.set(id, { id, type: 0, guild_id: ids.guild, name: `cop-${i}`, position: 10 + i, permission_overwrites: [], messages: [] });
  }
  discord.answerSlowly({ test: (method, path) => method === 'POST' && /^\/channels\/\d+\/messages$/.test(path), ms: latencyMs });

  const path = tempDatabasePath();
  await (await openMigratedDatabase(path)).destroy();
  const env = {
    DATABASE_PATH: path,
    PORT: '0',
    LOG_LEVEL: process.env.CRASH_DEBUG ? 'info' : 'error',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: ids.application,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: ids.guild,
    OUTBOX_CLAIM_TIMEOUT: `${takeover}s`,
    SCHEDULER_LEASE: `${takeover}s`,
  };
  const counts = (round: number) => [
    ...rounds[round]!.slack.map((id) => [`slack:${id}`, (slack.history.get(id) ?? []).length] as const),
    ...rounds[round]!.discord.map((id) => [`discord:${id}`, discord.channels.get(id)?.messages.length ?? 0] as const),
  ];
  const posted = (round: number) => counts(round).reduce((sum, [, n]) => sum + n, 0);
  const children: ChildProcess[] = [];
  const results: CrashRun[] = [];
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    seedRound(path, 0, channels, Date.now());
    let serving = startBot(env);
    children.push(serving);
    for (let round = 0; round < options.rounds; round++) {
      const began = Date.now();
      if (round > 0) seedRound(path, round, channels, Date.now());
      // The moment the first post of this round reaches either fake, its fan-out is under way.
      while (posted(round) === 0) {
        if (serving.exitCode !== null) throw new Error('the bot exited before posting');
        if (Date.now() - began > 120_000) throw new Error('no post within two minutes');
        await sleep(10);
      }
      const firstPostAt = Date.now();
      const killAfterMs = options.killAfterMs(round);
      await sleep(killAfterMs);
      serving.kill('SIGKILL');
      await exited(serving);
      const postedBeforeKill = posted(round);
      serving = startBot(env);
      children.push(serving);
      const deadline = Date.now() + (options.deadlineMs ?? 120_000);
      // Served once every outbox row so far is sent (and every channel has a post), or at the deadline.
      for (;;) {
        const rows = db.prepare("select count(*) as n, sum(status = 'sent') as sent from outbox").get() as { n: number; sent: number | null };
        if (rows.n === 2 * channels * (round + 1) && rows.sent === rows.n && counts(round).every(([, n]) => n > 0)) break;
        if (Date.now() > deadline) break;
        await sleep(100);
      }
      const servedAt = Date.now();
      // A post still on its way would be in the fakes by now: they take a post in at once and answer later.
      await sleep(500);
      results.push({
        lost: counts(round)
          .filter(([, n]) => n === 0)
          .map(([id]) => id),
        duplicated: counts(round)
          .filter(([, n]) => n > 1)
          .map(([id]) => id),
        postedBeforeKill,
        killAfterMs,
        firstPostAfterMs: firstPostAt - began,
        servedAfterKillMs: servedAt - firstPostAt - killAfterMs,
        seconds: (Date.now() - began) / 1000,
      });
    }
    return results;
  } finally {
    db.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await slack.close();
    await discord.close();
  }
}
