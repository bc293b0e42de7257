// Several real Weaver processes (`npm start`: node --import tsx src/main.ts) on one database, against a fake Slack and
// a fake Discord that answer posts slowly: a fan-out of prompts and event reminders falls due, one process is killed
// with SIGKILL in the middle of it, and every post is counted in the fakes. Used by tests/scaleout and bench/scaleout.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Db } from '../../src/storage/database.js';
import { FakeDiscord } from '../fakes/discord-api.js';
import { ids } from '../fakes/discord-world.js';
import { fakeBot, fakeTeam, startFakeSlack } from '../fakes/slack-api.js';
import { testSigningSecret } from '../fakes/slack-requests.js';

export type FanOutCount = Readonly<{
  expected: number;
  /** Destinations (platform:channel:kind) that got nothing, and those that got more than one post. */
  lost: string[];
  duplicated: string[];
  postedBeforeKill: number;
  /** Outbox rows not yet recorded as sent the moment the process was killed: the fan-out was under way. */
  unsettledAtKill: number;
  seconds: number;
}>;

export type SeveralProcessesOptions = Readonly<{
  /** Where the processes' database is: a postgres:// URL, or a SQLite file (processes on one machine). */
  location: string;
  openDb: () => Promise<Db>;
  processes: number;
  channelsPerPlatform: number;
  /** How long the fakes take to answer a post (the post itself takes effect at once). */
  latencyMs: number;
  /** SIGKILL this process (index) this long after the first post reaches a fake; none when undefined. */
  kill?: { process: number; afterMs: number };
  deadlineMs?: number;
}>;

const slackChannel = (i: number) => `C0SCALE${String(i).padStart(4, '0')}`;
const discordChannel = (i: number) => `1190000000000${String(i).padStart(5, '0')}`;

export type ChannelNames = Readonly<{ slack: (i: number) => string; discord: (i: number) => string }>;

/** Communities due a weekly prompt now and holding an event whose one-hour reminder is due now: two posts per channel. */
export async function seedFanOut(db: Db, channels: number, now: number, names: ChannelNames = { slack: slackChannel, discord: discordChannel }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < 2 * channels; i++) {
      const onSlack = i < channels;
      const community = await trx
        .insertInto('community')
        .values({ slug: `cop-${i}`, name: `Community ${i}`, status: 'launched', digest_on: 0, created_at: 0, updated_at: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('home_channel')
        .values({
          community_id: community.id,
          platform: onSlack ? 'slack' : 'discord',
          workspace_id: onSlack ? fakeTeam.id : ids.guild,
          channel_id: onSlack ? names.slack(i) : names.discord(i - channels),
          channel_name: `cop-${i}`,
          linked_at: 0,
        })
        .execute();
      await trx
        .insertInto('rhythm')
        .values({ community_id: community.id, schedule: 'weekly mon 09:00', timezone: 'UTC', next_run_at: now - 1_000, created_at: 0, updated_at: 0 })
        .execute();
      const event = await trx
        .insertInto('event')
        .values({
          community_id: community.id,
          title: `Meet-up ${i}`,
          starts_at: now + 30 * 60_000,
          ends_at: now + 90 * 60_000,
          timezone: 'UTC',
          reminders: '1h',
          status: 'scheduled',
          created_at: 0,
          updated_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('event_reminder')
        .values({ event_id: event.id, lead_minutes: 60, due_at: now - 1_000 })
        .execute();
    }
  });
}

function startProcess(env: Record<string, string>, name: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const show = (chunk: unknown) => process.env.SCALEOUT_DEBUG && process.stderr.write(`[${name}] ${String(chunk)}`);
  child.stdout?.on('data', show);
  child.stderr?.on('data', show);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A prompt or a reminder, as the fakes saw it (text, blocks or embeds: a reminder names its event). */
function kindOf(text: string): 'prompt' | 'reminder' {
  return /Meet-up \d+/.test(text) ? 'reminder' : 'prompt';
}

export async function runSeveralProcesses(options: SeveralProcessesOptions): Promise<FanOutCount> {
  const channels = options.channelsPerPlatform;
  const slackIds = Array.from({ length: channels }, (_, i) => slackChannel(i));
  const discordIds = Array.from({ length: channels }, (_, i) => discordChannel(i));
  const slack = await startFakeSlack({ channels: slackIds.map((id) => ({ id, name: id.toLowerCase(), is_member: true })) });
  slack.answerSlowly('chat.postMessage', options.latencyMs);
  const discord = await FakeDiscord.start();
  for (const [i, id] of discordIds.entries()) {
    discord.channels.set(id, { id, type: 0, guild_id: ids.guild, name: `cop-${i}`, position: 10 + i, permission_overwrites: [], messages: [] });
  }
  discord.answerSlowly({ test: (method, path) => method === 'POST' && /^\/channels\/\d+\/messages$/.test(path), ms: options.latencyMs });

  const db = await options.openDb();
  const postgres = options.location.startsWith('postgres');
  const env = (i: number) => ({
    ...(postgres ? { DATABASE_URL: options.location } : { DATABASE_PATH: options.location }),
    PORT: '0',
    LOG_LEVEL: process.env.SCALEOUT_DEBUG ? 'info' : 'error',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: ids.application,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: ids.guild,
    // Each process runs one of the Discord shards, as a deployment of several processes would.
    DISCORD_SHARDS: String(options.processes),
    DISCORD_SHARD_IDS: String(i),
    OUTBOX_CLAIM_TIMEOUT: '3s',
    SCHEDULER_LEASE: '3s',
  });
  const counts = (): [string, number][] => {
    const seen = new Map<string, number>();
    for (const id of slackIds) for (const kind of ['prompt', 'reminder']) seen.set(`slack:${id}:${kind}`, 0);
    for (const id of discordIds) for (const kind of ['prompt', 'reminder']) seen.set(`discord:${id}:${kind}`, 0);
    const add = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    for (const id of slackIds) for (const message of slack.history.get(id) ?? []) add(`slack:${id}:${kindOf(JSON.stringify(message))}`);
    for (const id of discordIds) for (const message of discord.channels.get(id)?.messages ?? []) add(`discord:${id}:${kindOf(JSON.stringify(message))}`);
    return [...seen];
  };
  const posted = () => counts().reduce((sum, [, n]) => sum + n, 0);
  const children: ChildProcess[] = [];
  try {
    const began = Date.now();
    await seedFanOut(db, channels, Date.now());
    for (let i = 0; i < options.processes; i++) children.push(startProcess(env(i), `p${i}`));
    while (posted() === 0) {
      if (children.every((child) => child.exitCode !== null)) throw new Error('every process exited before posting');
      if (Date.now() - began > 120_000) throw new Error('no post within two minutes');
      await sleep(10);
    }
    let unsettledAtKill = 0;
    if (options.kill) {
      await sleep(options.kill.afterMs);
      children[options.kill.process]!.kill('SIGKILL');
      await exited(children[options.kill.process]!);
      const unsettled = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '!=', 'sent')
        .executeTakeFirstOrThrow();
      unsettledAtKill = Number(unsettled.n);
    }
    const postedBeforeKill = posted();
    const expected = 4 * channels;
    const deadline = Date.now() + (options.deadlineMs ?? 120_000);
    // Served once every outbox row is sent and every destination has its post, or at the deadline.
    for (;;) {
      const rows = await db
        .selectFrom('outbox')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('status', '=', 'sent').then(1).else(0).end()).as('sent')])
        .executeTakeFirstOrThrow();
      if (Number(rows.n) >= expected && Number(rows.sent) === Number(rows.n) && counts().every(([, n]) => n > 0)) break;
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    // A post still on its way would be in the fakes by now: they take a post in at once and answer later.
    await sleep(500);
    const final = counts();
    return {
      expected,
      lost: final.filter(([, n]) => n === 0).map(([key]) => key),
      duplicated: final.filter(([, n]) => n > 1).map(([key]) => key),
      postedBeforeKill,
      unsettledAtKill,
      seconds: (Date.now() - began) / 1000,
    };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await db.destroy();
    await slack.close();
    await discord.close();
  }
}
