// Figure 2, fan-out against the rate limits: `npx tsx bench/fanout.ts [--smoke] [--realistic-only]`.
// The weekly prompt for 1,000 communities (one home channel each: half on Slack, half on Discord) and event reminders
// by direct message to 5,000 people (half on each), all due at once. The real scheduler loop (createScheduler, real
// clock) turns them into outbox rows and sends them through the real Slack and Discord ports and SDK clients, against
// a local fake that enforces the limits (bench/lib/limited-platforms.ts). Real rates, real time: the time to deliver
// everything is compared with the minimum the same limits allow.
import SQLite from 'better-sqlite3';
import { webApi } from '@slack/bolt';
import { performance } from 'node:perf_hooks';
import { createButtonStore } from '../adapters/discord/button-store.js';
import { createDiscordClient } from '../adapters/discord/client.js';
import { createDirectMessageChannels } from '../adapters/discord/direct-messages.js';
import { createDiscordPort } from '../adapters/discord/discord-port.js';
import { createSlackPort } from '../adapters/slack/slack-port.js';
import { systemClock } from '../src/kernel/clock.js';
import { createScheduler } from '../src/scheduler/scheduler.js';
import { openMigratedDatabase } from '../src/storage/database.js';
import { documentedLimits, noLatency, realisticLatency, startLimitedPlatforms, type Delivery, type Latency } from './lib/limited-platforms.js';
import { finish, isMain, parseArgs, peakRssMb, ratioRow, row, seededRandom, type BenchOptions, type Figure } from './lib/report.js';
import { benchDatabasePath, benchServices, removeBenchDatabase, silentLog } from './lib/services.js';

type Sizes = Readonly<{ communities: number; directMessages: number; eventsPerPlatform: number }>;
const team = 'T0WEAVER';
const guild = '1200000000000000001';
const slackChannel = (i: number) => `C${String(i).padStart(6, '0')}`;
const discordChannel = (i: number) => `12100000000${String(i).padStart(8, '0')}`;
const slackUser = (i: number) => `U${String(i).padStart(6, '0')}`;
const discordUser = (i: number) => `13100000000${String(i).padStart(8, '0')}`;

/** Communities with home channels and due rhythms; events starting in two hours whose 2-hour reminder is due. */
async function seed(path: string, now: number, { communities, directMessages, eventsPerPlatform }: Sizes): Promise<void> {
  const db = await openMigratedDatabase(path);
  await db.destroy();
  const sqlite = new SQLite(path);
  sqlite.transaction(() => {
    // Weekly digests off: this figure is the prompts and reminders, whatever the day and hour it runs at.
    const community = sqlite.prepare("insert into community (id, slug, name, status, digest_on, created_at, updated_at) values (?, ?, ?, 'launched', 0, 0, 0)");
    const home = sqlite.prepare(
      'insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (?, ?, ?, ?, ?, 0)',
    );
    const rhythm = sqlite.prepare(
      "insert into rhythm (community_id, schedule, timezone, next_run_at, created_at, updated_at) values (?, 'weekly mon 09:00', 'UTC', ?, 0, 0)",
    );
    for (let id = 1; id <= communities; id++) {
      community.run(id, `cop-${id}`, `Community ${id}`);
      const onSlack = id % 2 === 1;
      home.run(id, onSlack ? 'slack' : 'discord', onSlack ? team : guild, onSlack ? slackChannel(id) : discordChannel(id), `cop-${id}`);
      rhythm.run(id, now - 1_000);
    }
    const member = sqlite.prepare('insert into member (id, platform, workspace_id, user_id, display_name, created_at) values (?, ?, ?, ?, ?, 0)');
    const event = sqlite.prepare(
      "insert into event (id, community_id, title, starts_at, ends_at, timezone, reminders, status, created_at, updated_at) values (?, ?, ?, ?, ?, 'UTC', '2h', 'scheduled', 0, 0)",
    );
    const reminder = sqlite.prepare('insert into event_reminder (event_id, lead_minutes, due_at) values (?, 120, ?)');
    const rsvp = sqlite.prepare("insert into rsvp (event_id, member_id, answer, updated_at) values (?, ?, 'yes', 0)");
    const startsAt = now + 2 * 3_600_000;
    const perEvent = directMessages / (2 * eventsPerPlatform);
    let memberId = 0;
    for (let e = 1; e <= 2 * eventsPerPlatform; e++) {
      const onSlack = e % 2 === 1;
      // Odd communities are on Slack, even ones on Discord.
      event.run(e, onSlack ? 2 * e - 1 : 2 * e, `Practice meetup ${e}`, startsAt, startsAt + 3_600_000);
      reminder.run(e, now - 1_000);
      for (let k = 0; k < perEvent; k++) {
        memberId++;
        member.run(memberId, onSlack ? 'slack' : 'discord', onSlack ? team : guild, onSlack ? slackUser(memberId) : discordUser(memberId), `member${memberId}`);
        rsvp.run(e, memberId);
      }
    }
  })();
  sqlite.close();
}

type Measured = Readonly<{
  taken: number;
  minimum: number;
  slackMinimum: number;
  discordMinimum: number;
  slackLast: number;
  discordLast: number;
  firstAt: number;
  rateLimited: { slack: number; discord: number };
  lost: number;
  duplicated: number;
  left: number;
  slackRequests: number;
  discordRequests: number;
  rows: number;
  requests: number;
  maxMs: number;
  wallSeconds: number;
}>;

/** One fan-out, from seeding to the last delivery, against a fake that answers after `latency`. */
async function measureFanout(options: BenchOptions, latency: Latency): Promise<Measured> {
  const sizes: Sizes = { communities: options.smoke ? 20 : 1_000, directMessages: options.smoke ? 40 : 5_000, eventsPerPlatform: options.smoke ? 1 : 5 };
  const { communities, directMessages, eventsPerPlatform } = sizes;
  const maxMs = options.smoke ? 60_000 : 400_000;
  const path = benchDatabasePath('fanout');
  const start = Date.now();
  await seed(path, start, sizes);
  const fake = await startLimitedPlatforms(documentedLimits, latency);
  const db = await openMigratedDatabase(path);
  const services = benchServices(db, systemClock);

  // The ports as the adapters build them: the Slack client with the adapter's options, discord.js REST with its own.
  const slackClient = new webApi.WebClient('xoxb-fake-token', {
    slackApiUrl: fake.slackApiUrl,
    logger: undefined,
    logLevel: webApi.LogLevel.ERROR,
    timeout: 10_000,
    rejectRateLimitedCalls: true,
    // As the adapter's port does: the outbox retries posts itself, after checking for an earlier one.
    retryConfig: { retries: 0 },
  });
  const discordClient = createDiscordClient({ token: 'fake-discord-token', applicationId: '1100000000000000001', apiUrl: fake.discordApiUrl });
  // As login does; no gateway here.
  discordClient.token = 'fake-discord-token';
  discordClient.rest.setToken('fake-discord-token');
  const platforms = new Map(services.platforms);
  platforms.set('slack', createSlackPort(slackClient, { teamId: team, url: 'https://weaver-bench.slack.com/', botUserId: 'U0BOT' }, silentLog));
  platforms.set('discord', createDiscordPort(discordClient, createButtonStore(services).remember, createDirectMessageChannels(discordClient, services)));
  const running = { ...services, platforms };

  const scheduler = createScheduler(running, { owner: 'bench' });
  const t0 = performance.now();
  scheduler.start();
  const pending = db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending');
  let rows = 0;
  let left = 1;
  while (performance.now() - t0 < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    rows = Number(
      (
        await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    left = Number((await pending.executeTakeFirstOrThrow()).n);
    if (rows >= communities + directMessages && left === 0) break;
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  await scheduler.stop();
  const outbox = await db.selectFrom('outbox').select(['key', 'platform', 'channel_id', 'user_id', 'status', 'attempts']).execute();
  await db.destroy();
  removeBenchDatabase(path);
  await discordClient.destroy();
  await fake.close();

  // Each outbox row names one delivery: its destination and what it is.
  const kindOf = (key: string) => key.split(':')[0]!;
  const expected = new Map<string, number>();
  for (const entry of outbox) {
    const destination = entry.channel_id ?? (entry.platform === 'discord' ? `@${entry.user_id}` : entry.user_id);
    const id = `${entry.platform}|${destination}|${kindOf(entry.key)}`;
    expected.set(id, (expected.get(id) ?? 0) + 1);
  }
  const classify = (delivery: Delivery) => {
    if (delivery.text.includes('Share a practice')) return 'prompt';
    return delivery.destination.startsWith('@') || /^U/.test(delivery.destination) ? 'reminder-dm' : 'reminder';
  };
  const delivered = new Map<string, number>();
  for (const delivery of fake.deliveries) {
    const id = `${delivery.platform}|${delivery.destination}|${classify(delivery)}`;
    delivered.set(id, (delivered.get(id) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (const [id, count] of expected) lost += Math.max(0, count - (delivered.get(id) ?? 0));
  for (const [id, count] of delivered) duplicated += Math.max(0, count - (expected.get(id) ?? 0));
  const missingRows = Math.max(0, communities + directMessages + 2 * eventsPerPlatform - outbox.length);

  // The minimum the limits allow: every request at the tightest rate that applies to it, after the first burst.
  const slackRequests = outbox.filter((entry) => entry.platform === 'slack').length;
  const discordRequests = outbox.filter((entry) => entry.platform === 'discord').reduce((sum, entry) => sum + (entry.user_id ? 2 : 1), 0);
  const slackMinimum = Math.max(0, slackRequests - documentedLimits.slackWorkspaceBurst) / documentedLimits.slackWorkspacePerSecond;
  const discordMinimum = Math.max(0, Math.ceil(discordRequests / documentedLimits.discordGlobalPerSecond) - 1);
  const minimum = Math.max(slackMinimum, discordMinimum);
  const firstAt = Math.min(...fake.deliveries.map((delivery) => delivery.at));
  const lastAt = Math.max(...fake.deliveries.map((delivery) => delivery.at));
  const lastBy = (platform: string) => Math.max(start, ...fake.deliveries.filter((delivery) => delivery.platform === platform).map((delivery) => delivery.at));
  const taken = (lastAt - start) / 1000;

  return {
    taken,
    minimum,
    slackMinimum,
    discordMinimum,
    slackLast: (lastBy('slack') - start) / 1000,
    discordLast: (lastBy('discord') - start) / 1000,
    firstAt: (firstAt - start) / 1000,
    rateLimited: { ...fake.rateLimited },
    lost: lost + missingRows,
    duplicated,
    left,
    slackRequests,
    discordRequests,
    rows: outbox.length,
    requests: fake.requests.slack + fake.requests.discord,
    maxMs,
    wallSeconds,
  };
}

/** `realisticOnly`: skips the zero-latency run (half the time, for trying a change). */
export async function runFanout(options: BenchOptions & { realisticOnly?: boolean }): Promise<Figure> {
  const began = performance.now();
  const communities = options.smoke ? 20 : 1_000;
  const directMessages = options.smoke ? 40 : 5_000;
  // The realistic run first: it is the figure the goal is about; the zero-latency run shows what the limits alone allow.
  const realistic = await measureFanout(options, realisticLatency(seededRandom(20)));
  const instant = options.realisticOnly ? undefined : await measureFanout(options, noLatency);
  const rowsOf = (m: Measured, label: string, goal: number) => [
    row(`time to deliver everything (${label})`, m.taken, 's', { baseline: m.minimum }),
    ratioRow(`delivery time / minimum the limits allow (${label})`, m.taken, m.minimum, { max: goal }),
    row(`  Slack: last delivery (${label})`, m.slackLast, 's', { baseline: m.slackMinimum }),
    row(`  Discord: last delivery (${label})`, m.discordLast, 's', { baseline: m.discordMinimum }),
    row(`first delivery after start (${label})`, m.firstAt, 's'),
    row(`429s received, Slack (${label})`, m.rateLimited.slack, 'responses'),
    row(`429s received, Discord (${label})`, m.rateLimited.discord, 'responses'),
    row(`messages lost (${label})`, m.lost, 'messages', { goal: { max: 0 } }),
    row(`messages duplicated (${label})`, m.duplicated, 'messages', { goal: { max: 0 } }),
    row(`still pending at the end (${label})`, m.left, 'messages', { goal: { max: 0 } }),
  ];
  return {
    name: 'fanout',
    title: `2. Fan-out: ${communities.toLocaleString('en-US')} weekly prompts and ${directMessages.toLocaleString('en-US')} reminder DMs through the outbox`,
    size: options.smoke ? 'smoke' : 'full',
    rows: [...rowsOf(realistic, '80–300 ms latency', 1.15), ...(instant ? rowsOf(instant, 'zero latency', 1.1) : [])],
    notes: [
      `real time at the real rates: Slack ${documentedLimits.slackPerChannelPerSecond}/s per channel (burst ${documentedLimits.slackChannelBurst}), ${documentedLimits.slackWorkspacePerSecond}/s per workspace (Slack publishes no number; Weaver's pacing assumes this one); Discord ${documentedLimits.discordGlobalPerSecond}/s global, ${documentedLimits.discordChannelLimit} per ${documentedLimits.discordChannelWindowMs / 1000} s per channel`,
      'realistic latency: each call takes effect on arrival and is answered after 80–300 ms (uniform), one call in twenty after 0.3–1.5 s (seeded); zero latency: answered at once',
      `${realistic.slackRequests} Slack requests (minimum ${realistic.slackMinimum.toFixed(1)} s), ${realistic.discordRequests} Discord requests (a DM is 2: open the DM channel, post; minimum ${realistic.discordMinimum.toFixed(1)} s)`,
      `${realistic.rows} outbox rows per run; ${[realistic, instant].map((m) => m?.requests ?? '–').join(' and ')} requests reached the fake; each run is bounded at ${realistic.maxMs / 1000} s (took ${[realistic, instant].map((m) => (m ? `${m.wallSeconds.toFixed(1)} s` : '–')).join(' and ')})`,
    ],
    peakRssMb: peakRssMb(),
    seconds: (performance.now() - began) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  finish(args, await runFanout({ ...args, realisticOnly: process.argv.includes('--realistic-only') }));
}
