// Several Weaver processes on one database: `npm run bench:scaleout [-- --channels 300 --requests 1500 --parts fanout,latency]`.
// Real processes (`node --import tsx src/main.ts`), 1, 2 and 4 of them on one PostgreSQL database, and 1 (and 2) on
// one SQLite file for the baseline. Each process runs one Discord shard and serves Slack over HTTP on its own port.
// 1. Fan-out: a weekly prompt and an event reminder due now in every home channel (half on Slack, half on Discord),
//    sent through the rate-limited fake of bench/fanout.ts (80–300 ms answers, Slack 20/s per workspace and 1/s per
//    channel, Discord 50/s); once with the documented limits, once with them lifted (latency only).
// 2. Command latency: signed `/cop` slash commands (list, join, search, events) sent round-robin to the processes'
//    ports by a closed loop at a fixed concurrency; ack time per request and throughput.
// PostgreSQL at BENCH_POSTGRES_URL (or the local server): each run makes its own database and drops it after.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openMigratedDatabase, type Db } from '../src/storage/database.js';
import { FakeDiscord } from '../tests/fakes/discord-api.js';
import { ids } from '../tests/fakes/discord-world.js';
import { fakeBot, fakeTeam, startFakeSlack, type FakeSlack } from '../tests/fakes/slack-api.js';
import { signBody, slashCommandBody, testSigningSecret } from '../tests/fakes/slack-requests.js';
import { seedFanOut } from '../tests/scaleout/several-processes-world.js';
import { createCorpus } from './lib/corpus.js';
import { documentedLimits, realisticLatency, startLimitedPlatforms, type Limits } from './lib/limited-platforms.js';
import { percentile, seededRandom, sortedCopy, table } from './lib/report.js';
import {
  cpuSecondsOf,
  freePorts,
  machineCpu,
  postgresCpuSeconds,
  startFront,
  startWeaverProcess,
  stopProcesses,
  type WeaverProcess,
} from './lib/weaver-processes.js';

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '250' },
    requests: { type: 'string', default: '1500' },
    concurrency: { type: 'string', default: '32' },
    parts: { type: 'string', default: 'fanout,latency' },
    counts: { type: 'string', default: '1,2,4' },
  },
});
const channels = Number(values.channels);
const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const slackChannel = (i: number) => `C0SCALE${String(i).padStart(5, '0')}`;
const discordChannel = (i: number) => `119000000000${String(i).padStart(6, '0')}`;
const lifted: Limits = { ...documentedLimits, slackWorkspacePerSecond: 100_000, slackWorkspaceBurst: 100_000, discordGlobalPerSecond: 100_000 };

/** A fresh database for one run: a PostgreSQL database of its own, or a SQLite file; dropped by `drop`. */
async function freshDatabase(engine: 'postgres' | 'sqlite', run: string): Promise<{ location: string; db: Db; drop(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'weaver-bench-scaleout-'));
    const location = join(dir, 'weaver.db');
    return { location, db: await openMigratedDatabase(location), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `weaver_bench_scaleout_${process.pid}_${run}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    db: await openMigratedDatabase(url.toString()),
    drop: async () => {
      const again = new pg.Client({ connectionString: server });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

function processEnv(location: string, count: number, i: number, urls: { slack: string; discord: string }): Record<string, string> {
  return {
    ...(location.startsWith('postgres') ? { DATABASE_URL: location } : { DATABASE_PATH: location }),
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: urls.slack,
    DISCORD_TOKEN: 'fake-discord-token',
    DISCORD_APPLICATION_ID: ids.application,
    DISCORD_API_URL: urls.discord,
    DISCORD_GUILD_ID: ids.guild,
    DISCORD_SHARDS: String(count),
    DISCORD_SHARD_IDS: String(i),
  };
}

type FanoutRun = {
  label: string;
  seconds: number;
  postsPerSecond: number;
  minimum: number;
  posted: number;
  lost: number;
  duplicated: number;
  rateLimited: number;
  cpu: string;
};

async function fanout(engine: 'postgres' | 'sqlite', count: number, limits: Limits, label: string): Promise<FanoutRun> {
  const slackIds = Array.from({ length: channels }, (_, i) => slackChannel(i));
  const discordIds = Array.from({ length: channels }, (_, i) => discordChannel(i));
  const slack = await startFakeSlack({ channels: slackIds.map((id) => ({ id, name: id.toLowerCase(), is_member: true })) });
  const discord = await FakeDiscord.start({ token: 'fake-discord-token' });
  for (const [i, id] of discordIds.entries()) {
    discord.channels.set(id, { id, type: 0, guild_id: ids.guild, name: `cop-${i}`, position: 10 + i, permission_overwrites: [], messages: [] });
  }
  const limited = await startLimitedPlatforms(limits, realisticLatency(seededRandom(20)));
  const front = await startFront({
    slackPosts: limited.slackApiUrl,
    slackOther: slack.apiUrl,
    discordPosts: limited.discordApiUrl,
    discordOther: discord.apiUrl,
  });
  const database = await freshDatabase(engine, `f${count}${label.length}`);
  const processes: WeaverProcess[] = [];
  try {
    await seedFanOut(database.db, channels, Date.now(), { slack: slackChannel, discord: discordChannel });
    const ports = await freePorts(count);
    for (let i = 0; i < count; i++)
      processes.push(startWeaverProcess(processEnv(database.location, count, i, { slack: front.slackApiUrl, discord: front.discordApiUrl }), ports[i]!));
    const expected = 4 * channels;
    const deadline = Date.now() + 300_000;
    // Until every destination has its two posts and nothing more arrives for two seconds, or the deadline.
    let last = 0;
    let stableSince = Date.now();
    // CPU counted from the first post: the processes' start-up (tsx compiling the code) is not the fan-out's.
    let cpu0 = { weaver: 0, machine: machineCpu(), postgres: 0 };
    while (Date.now() < deadline) {
      await sleep(250);
      if (last === 0 && limited.deliveries.length > 0) {
        cpu0 = { weaver: processes.reduce((sum, p) => sum + cpuSecondsOf(p.child.pid), 0), machine: machineCpu(), postgres: postgresCpuSeconds() };
      }
      if (limited.deliveries.length !== last) {
        last = limited.deliveries.length;
        stableSince = Date.now();
      }
      if (last >= expected && Date.now() - stableSince > 2_000) break;
    }
    const weaverCpu = processes.reduce((sum, p) => sum + cpuSecondsOf(p.child.pid), 0) - cpu0.weaver;
    const machine = machineCpu();
    const postgres = postgresCpuSeconds() - cpu0.postgres;
    const perDestination = new Map<string, number>();
    for (const delivery of limited.deliveries) {
      const kind = /Meet-up \d+/.test(delivery.text) ? 'reminder' : 'prompt';
      const key = `${delivery.platform}:${delivery.destination}:${kind}`;
      perDestination.set(key, (perDestination.get(key) ?? 0) + 1);
    }
    const destinations = [...slackIds.map((id) => `slack:${id}`), ...discordIds.map((id) => `discord:${id}`)].flatMap((d) => [`${d}:prompt`, `${d}:reminder`]);
    const times = limited.deliveries.map((delivery) => delivery.at);
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    const slackMinimum = Math.max(0, 2 * channels - limits.slackWorkspaceBurst) / limits.slackWorkspacePerSecond;
    const discordMinimum = Math.max(0, Math.ceil((2 * channels) / limits.discordGlobalPerSecond) - 1);
    const minimum = Math.max(slackMinimum, discordMinimum);
    const busy = machine.busy - cpu0.machine.busy;
    const wall = machine.total - cpu0.machine.total;
    return {
      label,
      seconds,
      postsPerSecond: limited.deliveries.length / seconds,
      minimum,
      posted: limited.deliveries.length,
      lost: destinations.filter((d) => !perDestination.get(d)).length,
      duplicated: [...perDestination.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      rateLimited: limited.rateLimited.slack + limited.rateLimited.discord,
      cpu: `Weaver ${weaverCpu.toFixed(1)} s, PostgreSQL ${postgres.toFixed(1)} s, machine ${((100 * busy) / wall).toFixed(0)}% busy`,
    };
  } finally {
    await stopProcesses(processes);
    await database.db.destroy();
    await database.drop();
    await front.close();
    await limited.close();
    await slack.close();
    await discord.close();
  }
}

/** What the latency part serves: 30 communities with home channels, 15 upcoming events, 2,000 members, 10,000 messages. */
async function seedLatency(db: Db): Promise<void> {
  const corpus = createCorpus(3);
  const now = Date.now();
  await db
    .insertInto('member')
    .values(
      Array.from({ length: 2_000 }, (_, k) => ({
        platform: 'slack',
        workspace_id: fakeTeam.id,
        user_id: `U${k + 1}`,
        display_name: `member${k + 1}`,
        created_at: 0,
      })),
    )
    .execute();
  for (let c = 1; c <= 30; c++) {
    const { id } = await db
      .insertInto('community')
      .values({ slug: `cop-${c}`, name: `Community ${c}`, domain: corpus.message(), status: 'launched', created_at: 0, updated_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('home_channel')
      .values({ community_id: id, platform: 'slack', workspace_id: fakeTeam.id, channel_id: `C${c}`, channel_name: `cop-${c}`, linked_at: 0 })
      .execute();
    if (c <= 15) {
      const startsAt = now + c * 86_400_000;
      await db
        .insertInto('event')
        .values({
          community_id: id,
          title: `Meetup ${c}`,
          starts_at: startsAt,
          ends_at: startsAt + 3_600_000,
          timezone: 'UTC',
          reminders: '',
          status: 'scheduled',
          created_at: 0,
          updated_at: 0,
        })
        .execute();
    }
    for (let t = 0; t < 33; t++) {
      const asker = 1 + ((c * 33 + t) % 2_000);
      const { id: thread } = await db
        .insertInto('harvest_thread')
        .values({
          community_id: id,
          platform: 'slack',
          workspace_id: fakeTeam.id,
          channel_id: `C${c}`,
          root_message_id: `${t}.0`,
          asker_member_id: asker,
          source: 'message',
          asked_at: now - t * 60_000,
          harvested_at: now,
          answer_message_id: `${t}.1`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('harvest_message')
        .values(
          Array.from({ length: 10 }, (_, k) => ({
            thread_id: thread,
            community_id: id,
            platform: 'slack',
            workspace_id: fakeTeam.id,
            channel_id: `C${c}`,
            message_id: `${t}.${k}`,
            member_id: 1 + ((asker + k) % 2_000),
            role: k === 0 ? 'question' : k === 1 ? 'answer' : 'reply',
            text: corpus.message(),
            posted_at: now - t * 60_000,
            harvested: 1,
          })),
        )
        .execute();
    }
  }
}

type LatencyRun = { label: string; throughput: number; p50: number; p99: number; errors: number; cpu: string };

async function commandLatency(engine: 'postgres' | 'sqlite', count: number): Promise<LatencyRun> {
  const slack = await startFakeSlack({});
  const database = await freshDatabase(engine, `l${count}`);
  const processes: WeaverProcess[] = [];
  const agents: Agent[] = [];
  try {
    await seedLatency(database.db);
    const ports = await freePorts(count);
    // Slack only: the command path is the figure.
    for (let i = 0; i < count; i++) {
      const env = processEnv(database.location, count, i, { slack: slack.apiUrl, discord: '' });
      for (const key of ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'DISCORD_API_URL', 'DISCORD_GUILD_ID', 'DISCORD_SHARDS', 'DISCORD_SHARD_IDS'])
        delete env[key];
      processes.push(startWeaverProcess(env, ports[i]!));
    }
    await Promise.all(processes.map((p) => p.ready));
    const concurrency = Number(values.concurrency);
    const posters = ports.map((port) => {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      agents.push(agent);
      return (body: string) => post(agent, port, body);
    });
    const corpus = createCorpus(3);
    const commandFor = (i: number) => {
      const user = 1 + ((i * 37) % 2_000);
      const c = 1 + (i % 30);
      const text = [`list`, `join cop-${c}`, `search ${corpus.vocabulary[60 + (i % 40)]} ${corpus.vocabulary[300 + (i % 200)]}`, 'events'][i % 4]!;
      return slashCommandBody({
        text,
        userId: `U${user}`,
        userName: `member${user}`,
        channelId: `C${c}`,
        channelName: `cop-${c}`,
        teamId: fakeTeam.id,
        responseUrl: fakeResponseUrl(slack),
      });
    };
    const run = async (total: number) => {
      const latencies: number[] = [];
      let issued = 0;
      let errors = 0;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (issued < total && performance.now() - began < 60_000) {
            const i = issued++;
            const t = performance.now();
            if ((await posters[i % count]!(commandFor(i))) !== 200) errors++;
            latencies.push(performance.now() - t);
          }
        }),
      );
      return { latencies, errors, seconds: (performance.now() - began) / 1000 };
    };
    await run(100 * count);
    await sleep(2_000);
    const before = { weaver: processes.map((p) => cpuSecondsOf(p.child.pid)), machine: machineCpu(), postgres: postgresCpuSeconds(), load: process.cpuUsage() };
    const measured = await run(Number(values.requests));
    const weaver = processes.reduce((sum, p, i) => sum + cpuSecondsOf(p.child.pid) - before.weaver[i]!, 0);
    const machine = machineCpu();
    const load = process.cpuUsage(before.load);
    const sorted = sortedCopy(measured.latencies);
    const busy = (100 * (machine.busy - before.machine.busy)) / (machine.total - before.machine.total);
    return {
      label: `${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${count} process${count > 1 ? 'es' : ''}`,
      throughput: sorted.length / measured.seconds,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      errors: measured.errors,
      cpu: `Weaver ${weaver.toFixed(1)} s (${((1000 * weaver) / sorted.length).toFixed(1)} ms a request), PostgreSQL ${(postgresCpuSeconds() - before.postgres).toFixed(1)} s, load generator ${((load.user + load.system) / 1e6).toFixed(1)} s over ${measured.seconds.toFixed(1)} s; machine ${busy.toFixed(0)}% busy`,
    };
  } finally {
    for (const agent of agents) agent.destroy();
    await stopProcesses(processes);
    await database.db.destroy();
    await database.drop();
    await slack.close();
  }
}

function fakeResponseUrl(slack: FakeSlack): string {
  return slack.newResponseUrl().url;
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': Buffer.byteLength(body),
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signBody(testSigningSecret, timestamp, body),
  };
  return new Promise((resolve) => {
    const sent = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    sent.on('timeout', () => sent.destroy());
    sent.on('error', () => resolve(0));
    sent.end(body);
  });
}

const parts = values.parts.split(',');
const counts = values.counts.split(',').map(Number);
const say = (line: string) => process.stdout.write(`${line}\n`);
say(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);

if (parts.includes('fanout')) {
  const runs: FanoutRun[] = [];
  for (const [limits, name] of [
    [documentedLimits, 'documented limits'],
    [lifted, 'limits lifted'],
  ] as const) {
    runs.push(await fanout('sqlite', 1, limits, `SQLite, 1 process, ${name}`));
    say(JSON.stringify(runs.at(-1)));
    for (const count of counts) {
      runs.push(await fanout('postgres', count, limits, `PostgreSQL, ${count} process${count > 1 ? 'es' : ''}, ${name}`));
      say(JSON.stringify(runs.at(-1)));
    }
  }
  say(`\nFan-out: ${4 * channels} posts (a prompt and a reminder in ${channels} Slack and ${channels} Discord channels), answers after 80–300 ms`);
  say(
    table(
      ['run', 'first to last post', 'posts/s', 'minimum', 'ratio', 'lost', 'duplicated', '429s', 'CPU'],
      runs.map((r) => [
        r.label,
        `${r.seconds.toFixed(1)} s`,
        r.postsPerSecond.toFixed(1),
        `${r.minimum.toFixed(1)} s`,
        r.minimum > 0 ? `${(r.seconds / r.minimum).toFixed(2)}x` : '–',
        String(r.lost),
        String(r.duplicated),
        String(r.rateLimited),
        r.cpu,
      ]),
    ),
  );
}

if (parts.includes('latency')) {
  const runs: LatencyRun[] = [];
  runs.push(await commandLatency('sqlite', 1));
  say(JSON.stringify(runs.at(-1)));
  for (const count of counts) {
    runs.push(await commandLatency('postgres', count));
    say(JSON.stringify(runs.at(-1)));
  }
  say(`\nCommand latency: ${values.requests} signed /cop commands, ${values.concurrency} in flight, round-robin over the processes`);
  say(
    table(
      ['run', 'throughput', 'ack p50', 'ack p99', 'errors', 'CPU'],
      runs.map((r) => [r.label, `${r.throughput.toFixed(0)}/s`, `${r.p50.toFixed(1)} ms`, `${r.p99.toFixed(1)} ms`, String(r.errors), r.cpu]),
    ),
  );
}
