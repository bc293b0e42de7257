// The crash and fault soak: the real bot process against the rate-limited fake Slack and Discord, a compressed week of
// scheduled work, SIGKILLs at random moments (each followed by a restart), and faults injected by the fakes: 5xx,
// unanswered calls, connection resets, 429 storms with Retry-After, and gateway disconnects. At the end every expected
// post must have reached its platform exactly once, no outbox row may be left pending, and the database must pass
// PRAGMA integrity_check. `npm run soak -- --minutes N` (bench/soak.ts) runs it long; tests/reliability/soak.test.ts short.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { FakeDiscord } from '../../fakes/discord-api.js';
import { ids } from '../../fakes/discord-world.js';
import { createFaultPlan, type FaultPlan, type GatewayFaultKind } from '../../fakes/faults.js';
import { fakeBot, startFakeSlack } from '../../fakes/slack-api.js';
import { testSigningSecret } from '../../fakes/slack-requests.js';
import { isRunning, startBot, summarizeLog, type BotProcess, type LogSummary } from './bot-process.js';
import { deliveredPosts, expectedPosts, settleAccount, type Account } from './ledger.js';
import { discordChannelOf, seedSoak, slackAdmin, slackChannelOf, slackPeopleOf } from './seed.js';

export type SoakOptions = Readonly<{
  /** How long the scheduled week and the kills last; draining what is left comes after. */
  activeMs: number;
  communities: number;
  kills: number;
  /** The share of posting calls that meet a fault, and how often the gateway is dropped. */
  faultRate: number;
  gatewayDisconnectEveryMs: number;
  /** 429 storms (every posting call refused with Retry-After for 4 s) about this often on each platform. */
  stormEveryMs: number;
  seed: number;
  /** OUTBOX_CLAIM_TIMEOUT and SCHEDULER_LEASE for the bot. */
  claimTimeout?: string;
  schedulerLease?: string;
  /** The longest wait, after the active part, for the outbox to drain. */
  drainMs?: number;
  progress?: (line: string) => void;
}>;

export type SoakReport = Readonly<{
  account: Account;
  restarts: number;
  /** Of the kills, those that came before the process was at work (still connecting). */
  killsWhileStarting: number;
  /** Processes that ended without being killed (a crash, or a failed start), each restarted. */
  unexpectedExits: number;
  faults: FaultPlan['injected'];
  rateLimited: { slack: number; discord: number };
  integrity: string;
  /** Whether the bot's gateway session was alive at the end, and how often it identified (each start too) and resumed. */
  gateway: { alive: boolean; identifies: number; resumes: number };
  log: LogSummary;
  logPath: string;
  databasePath: string;
  seconds: number;
  drainSeconds: number;
  seeds: { scenario: number; kills: number; faults: number };
}>;

/** mulberry32: a small seeded generator, so that a run can be repeated from its printed seeds. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// Faults hit what sending a post costs; the calls of a start (auth.test, gateway/bot, command registration) are spared,
// since a start that fails stops the process with one sentence, which is the right thing but not what this soak tests.
const faultedCalls = new Set([
  'slack:chat.postMessage',
  'slack:conversations.history',
  'slack:conversations.replies',
  'slack:conversations.open',
  'discord:POST /channels/:id/messages',
  'discord:POST /users/@me/channels',
  'discord:POST /channels/:id/threads',
  'discord:PUT /channels/:id/thread-members/:id',
]);

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const began = Date.now();
  const say = options.progress ?? (() => undefined);
  const seeds = { scenario: options.seed, kills: options.seed + 1, faults: options.seed + 2 };
  const killRandom = seededRandom(seeds.kills);
  const faultRandom = seededRandom(seeds.faults);
  const faults = createFaultPlan({
    rate: options.faultRate,
    random: faultRandom,
    applies: (call) => faultedCalls.has(call),
    stormEveryMs: options.stormEveryMs,
  });

  const slackUsers = [slackAdmin, ...Array.from({ length: options.communities }, (_, i) => slackPeopleOf(i + 1)).flat()];
  const slack = await startFakeSlack({
    users: slackUsers.map((id) => ({ id, name: id.toLowerCase() })),
    channels: Array.from({ length: options.communities }, (_, i) => ({ id: slackChannelOf(i + 1), name: `soak-${i + 1}`, is_member: true })),
    faults,
    rateLimited: true,
  });
  const discord = await FakeDiscord.start({ faults, rateLimited: true });
  for (let i = 1; i <= options.communities; i++) {
    const id = discordChannelOf(i);
    discord.channels.set(id, { id, type: 0, guild_id: ids.guild, name: `soak-${i}`, position: 10 + i, permission_overwrites: [], messages: [] });
  }

  const dir = mkdtempSync(join(tmpdir(), 'weaver-soak-'));
  const databasePath = join(dir, 'weaver.db');
  const logPath = join(dir, 'weaver.log');
  // The week runs from a few seconds after the first start until 80% of the active time.
  const windowMs = Math.max(5_000, options.activeMs * 0.8 - 8_000);
  const seeded = await seedSoak(databasePath, { communities: options.communities, leadMs: 8_000, windowMs, random: seededRandom(seeds.scenario) });
  const workStart = seeded.start;
  const fromOutboxId = (() => {
    const sqlite = new SQLite(databasePath, { readonly: true });
    const row = sqlite.prepare('select coalesce(max(id), 0) as id from outbox').get() as { id: number };
    sqlite.close();
    return row.id;
  })();
  say(`seeded ${options.communities} communities in ${((Date.now() - began) / 1000).toFixed(1)} s; database ${databasePath}, log ${logPath}`);

  const env = {
    DATABASE_PATH: databasePath,
    PORT: '0',
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: ids.application,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: ids.guild,
    WEAVER_ADMINS: `slack:${slackAdmin},discord:${ids.owner}`,
    OUTBOX_CLAIM_TIMEOUT: options.claimTimeout ?? '10s',
    SCHEDULER_LEASE: options.schedulerLease ?? '5s',
  };

  let bot: BotProcess = startBot(env, logPath);
  let restarts = 0;
  let unexpectedExits = 0;
  let killsWhileStarting = 0;
  let killDelay: number | undefined;
  const activeEnd = Date.now() + options.activeMs;
  // Kills at random moments over the active time, none in its first seconds (the first start is not yet done).
  const killAt = Array.from({ length: options.kills }, () => workStart - 4_000 + killRandom() * (activeEnd - workStart + 4_000)).sort((a, b) => a - b);
  const gatewayKinds: GatewayFaultKind[] = ['gateway-resume', 'gateway-reidentify', 'gateway-reconnect-request'];
  let nextGatewayFault = Date.now() + options.gatewayDisconnectEveryMs * (0.5 + faultRandom());

  const restart = async (killed: boolean) => {
    if (killed) bot.child.kill('SIGKILL');
    await bot.exited;
    if (!killed) unexpectedExits++;
    restarts++;
    bot = startBot(env, logPath);
  };
  try {
    while (Date.now() < activeEnd || killAt.length > 0) {
      if (killAt.length > 0 && Date.now() >= killAt[0]!) {
        // A quarter of the kills land wherever they fall, often in a start; the rest wait until the bot is at work.
        const running = bot.runningSince();
        killDelay ??= running !== undefined ? 0 : killRandom() < 0.25 ? -1 : killRandom() * 3_000;
        if (killDelay < 0 || (running !== undefined && Date.now() >= running + killDelay)) {
          const starting = running === undefined;
          killAt.shift();
          killDelay = undefined;
          await restart(true);
          if (starting) killsWhileStarting++;
          say(
            `killed ${starting ? 'while starting' : 'at work'} and restarted (${restarts}/${options.kills}) at ${((Date.now() - began) / 1000).toFixed(0)} s`,
          );
        }
      }
      if (!isRunning(bot)) await restart(false);
      // The gateway is dropped only under a bot at work: a drop with nobody connected tests nothing.
      if (Date.now() >= nextGatewayFault && bot.runningSince() !== undefined) {
        discord.disconnectGateway(gatewayKinds[Math.floor(faultRandom() * gatewayKinds.length)]!);
        nextGatewayFault = Date.now() + options.gatewayDisconnectEveryMs * (0.5 + faultRandom());
      }
      await sleep(Math.min(200, (killAt[0] ?? activeEnd) - Date.now()));
    }
    // A short run whose bot was rarely at work still has its gateway dropped once.
    const drops = () => faults.injected['gateway-resume'] + faults.injected['gateway-reidentify'] + faults.injected['gateway-reconnect-request'];
    for (const until = Date.now() + 60_000; drops() === 0 && Date.now() < until; await sleep(200)) {
      if (!isRunning(bot)) await restart(false);
      if (bot.runningSince() !== undefined) discord.disconnectGateway('gateway-resume');
    }
    // The faults stop; what is left must drain: every reminder done, every occurrence past, no row pending.
    faults.stop();
    const drainStart = Date.now();
    const deadline = drainStart + (options.drainMs ?? 300_000);
    const sqlite = new SQLite(databasePath, { readonly: true });
    try {
      let quietSince = 0;
      while (Date.now() < deadline) {
        if (!isRunning(bot)) await restart(false);
        const pending = sqlite.prepare("select count(*) as n from outbox where status = 'pending'").get() as { n: number };
        const reminders = sqlite.prepare('select count(*) as n from event_reminder where done_at is null').get() as { n: number };
        const settled = Date.now() > seeded.lastDueAt + 2_000 && pending.n === 0 && reminders.n === 0;
        quietSince = settled ? quietSince || Date.now() : 0;
        if (quietSince && Date.now() - quietSince > 3_000) break;
        await sleep(250);
      }
    } finally {
      sqlite.close();
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    // After every drop the gateway came back: the bot heartbeats on its session (the fake asks every second). A drop just
    // before the end may need a new IDENTIFY, which discord.js sends at most one per 5 s: up to 30 s are allowed.
    const heartbeats = discord.gateway.heartbeats;
    for (const until = Date.now() + 30_000; discord.gateway.heartbeats <= heartbeats + 1 && Date.now() < until;) await sleep(250);
    const gatewayAlive = discord.gateway.heartbeats > heartbeats + 1;
    bot.child.kill('SIGTERM');
    await Promise.race([bot.exited, sleep(15_000)]);
    if (isRunning(bot)) bot.child.kill('SIGKILL');
    await bot.exited;

    const outboxKeys = (() => {
      const db = new SQLite(databasePath, { readonly: true });
      const keys = (db.prepare('select key from outbox').all() as { key: string }[]).map((row) => row.key);
      db.close();
      return keys;
    })();
    const delivered = deliveredPosts(slack, discord, outboxKeys, seeded.communities);
    const account = settleAccount(databasePath, expectedPosts(seeded.communities), delivered, fromOutboxId);
    const check = new SQLite(databasePath);
    const integrity = String(check.pragma('integrity_check', { simple: true }));
    check.close();
    return {
      account,
      restarts,
      killsWhileStarting,
      unexpectedExits,
      faults: { ...faults.injected },
      rateLimited: { slack: slack.limited.count, discord: discord.limited.count },
      integrity,
      gateway: { alive: gatewayAlive, identifies: discord.gateway.identifies, resumes: discord.gateway.resumes },
      log: summarizeLog(logPath),
      logPath,
      databasePath,
      seconds: (Date.now() - began) / 1000,
      drainSeconds,
      seeds,
    };
  } finally {
    if (isRunning(bot)) bot.child.kill('SIGKILL');
    await bot.exited;
    await slack.close();
    await discord.close();
  }
}
