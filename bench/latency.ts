// Figure 1, command latency under load: `npx tsx bench/latency.ts [--smoke]`.
// Signed `/cop` requests (list, join, search, events in equal parts) against startWeaver's real HTTP receiver, in its
// own process, with the Web API and response_url faked in this one. Closed loop at 1 to 256 concurrent
// requests, then an open loop at 200 requests per second; the same load against a bare Bolt App whose
// /cop handler only acks. Latency is the time to the HTTP response: the ack.
import SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { openMigratedDatabase } from '../src/storage/database.js';
import { fakeTeam, startFakeSlack, type FakeSlack } from '../tests/fakes/slack-api.js';
import { slashCommandBody } from '../tests/fakes/slack-requests.js';
import { createCorpus } from './lib/corpus.js';
import { closedLoop, createPoster, openLoop, type LoadResult, type SignedRequest } from './lib/load.js';
import { finish, isMain, parseArgs, peakRssMb, percentile, ratioRow, row, sortedCopy, type BenchOptions, type Figure, type Row } from './lib/report.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { benchDatabasePath, removeBenchDatabase } from './lib/services.js';

const fixedRate = 200;
type Sizes = Readonly<{ levels: readonly number[]; perLevel: number; levelMs: number; fixedCount: number; say(line: string): void }>;
const communities = 30;
const people = 2_000;
const corpus = createCorpus(3);

/** Communities with home channels, upcoming events and a harvested knowledge base of 10,000 messages. */
export async function seed(path: string): Promise<void> {
  const db = await openMigratedDatabase(path);
  await db.destroy();
  const sqlite = new SQLite(path);
  const now = Date.now();
  sqlite.transaction(() => {
    const community = sqlite.prepare("insert into community (id, slug, name, domain, status, created_at, updated_at) values (?, ?, ?, ?, 'launched', 0, 0)");
    const home = sqlite.prepare(
      "insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (?, 'slack', ?, ?, ?, 0)",
    );
    const event = sqlite.prepare(
      "insert into event (community_id, title, starts_at, ends_at, timezone, reminders, status, created_at, updated_at) values (?, ?, ?, ?, 'UTC', '', 'scheduled', 0, 0)",
    );
    for (let id = 1; id <= communities; id++) {
      community.run(id, `cop-${id}`, `Community ${id}`, corpus.message());
      home.run(id, fakeTeam.id, `C${id}`, `cop-${id}`);
      if (id <= 15) event.run(id, `Meetup ${id}`, now + id * 86_400_000, now + id * 86_400_000 + 3_600_000);
    }
    const member = sqlite.prepare("insert into member (id, platform, workspace_id, user_id, display_name, created_at) values (?, 'slack', ?, ?, ?, 0)");
    for (let id = 1; id <= people; id++) member.run(id, fakeTeam.id, `U${id}`, `member${id}`);
    const thread = sqlite.prepare(
      "insert into harvest_thread (id, community_id, platform, workspace_id, channel_id, root_message_id, asker_member_id, source, asked_at, harvested_at, answer_message_id) values (?, ?, 'slack', ?, ?, ?, ?, 'message', ?, ?, ?)",
    );
    const message = sqlite.prepare(
      "insert into harvest_message (thread_id, community_id, platform, workspace_id, channel_id, message_id, member_id, role, text, posted_at, harvested) values (?, ?, 'slack', ?, ?, ?, ?, ?, ?, ?, 1)",
    );
    for (let id = 1; id <= 1_000; id++) {
      const c = 1 + (id % communities);
      thread.run(id, c, fakeTeam.id, `C${c}`, `${id}.0`, 1 + (id % people), now - id * 60_000, now, `${id}.1`);
      for (let k = 0; k < 10; k++)
        message.run(
          id,
          c,
          fakeTeam.id,
          `C${c}`,
          `${id}.${k}`,
          1 + ((id + k) % people),
          k === 0 ? 'question' : k === 1 ? 'answer' : 'reply',
          corpus.message(),
          now - id * 60_000,
        );
    }
  })();
  sqlite.close();
}

function commandFor(fake: FakeSlack | undefined, i: number): SignedRequest {
  const user = 1 + ((i * 37) % people);
  const c = 1 + (i % communities);
  const kind = i % 4;
  const text =
    kind === 0
      ? 'list'
      : kind === 1
        ? `join cop-${c}`
        : kind === 2
          ? `search ${corpus.vocabulary[60 + (i % 40)]} ${corpus.vocabulary[300 + (i % 200)]}`
          : 'events';
  const responseUrl = fake ? fake.newResponseUrl().url : 'http://127.0.0.1:9/respond/none';
  return {
    body: slashCommandBody({
      text,
      userId: `U${user}`,
      userName: `member${user}`,
      channelId: `C${c}`,
      channelName: `cop-${c}`,
      teamId: fakeTeam.id,
      responseUrl,
    }),
    contentType: 'application/x-www-form-urlencoded',
  };
}

type Level = { concurrency: number; throughput: number; p50: number; p99: number; errors: number; busy: number };

function summarize(concurrency: number, result: LoadResult): Level {
  const sorted = sortedCopy(result.latencies);
  return {
    concurrency,
    throughput: result.completed / result.seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors,
    busy: result.answeredInAck,
  };
}

/** Answers Weaver sent (response_url posts and channel posts): the work behind the acks. */
function answersOf(fake: FakeSlack): number {
  return fake.responses.length + fake.callsTo('chat.postMessage').length + fake.callsTo('chat.postEphemeral').length;
}

async function drain(fake: FakeSlack | undefined, expected: number): Promise<void> {
  if (!fake) return;
  const deadline = performance.now() + 60_000;
  while (answersOf(fake) < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function measure(
  { levels, perLevel, levelMs, fixedCount, say }: Sizes,
  server: ServerProcess,
  fake: FakeSlack | undefined,
): Promise<{ levels: Level[]; fixed: Level; answeredPerSecond?: number; cpuPerRequestMs: number; cpuPerRequestAllMs: number }> {
  const poster = createPoster(server.url, Math.max(...levels));
  let sent = 0;
  const next = (i: number) => commandFor(fake, sent + i);
  // Warm-up: the JIT, the page cache, users.info for the first callers.
  // Answers expected: every acked command but those answered busy in the ack itself.
  let expected = 0;
  const warm = await closedLoop(poster, 4, Math.min(200, perLevel), levelMs, next);
  sent += warm.completed;
  expected += warm.completed - warm.answeredInAck;
  await drain(fake, expected);
  const cpuBefore = await server.cpuMs();
  const measuredFrom = sent;
  const results: Level[] = [];
  let answeredPerSecond: number | undefined;
  for (const concurrency of levels) {
    const answeredBefore = fake ? answersOf(fake) : 0;
    const t0 = performance.now();
    const result = await closedLoop(poster, concurrency, perLevel, levelMs, next);
    sent += result.completed;
    expected += result.completed - result.answeredInAck;
    await drain(fake, expected);
    const level = summarize(concurrency, result);
    results.push(level);
    // The answers' own throughput: acks are cheap, the commands behind them are not.
    if (fake) answeredPerSecond = Math.max(answeredPerSecond ?? 0, (answersOf(fake) - answeredBefore) / ((performance.now() - t0) / 1000));
    say(
      `  c=${concurrency}: ${level.throughput.toFixed(0)} req/s, ack p50 ${level.p50.toFixed(1)} ms, p99 ${level.p99.toFixed(1)} ms, ${level.errors} errors, ${level.busy} busy`,
    );
  }
  // CPU per command is read over the fixed-rate phase, where no command is answered busy: each is a whole command.
  const cpuBeforeFixed = await server.cpuMs();
  const fixedResult = await openLoop(poster, fixedRate, fixedCount, 30_000, next);
  sent += fixedResult.completed;
  expected += fixedResult.completed - fixedResult.answeredInAck;
  await drain(fake, expected);
  const fixed = summarize(0, fixedResult);
  say(`  ${fixedRate} req/s: ack p50 ${fixed.p50.toFixed(1)} ms, p99 ${fixed.p99.toFixed(1)} ms, ${fixed.errors} errors, ${fixed.busy} busy`);
  const cpuPerRequestMs = ((await server.cpuMs()) - cpuBeforeFixed) / fixedResult.completed;
  const cpuPerRequestAllMs = ((await server.cpuMs()) - cpuBefore) / (sent - measuredFrom);
  poster.close();
  return { levels: results, fixed, answeredPerSecond, cpuPerRequestMs, cpuPerRequestAllMs };
}

export async function runLatency(options: BenchOptions): Promise<Figure> {
  const began = performance.now();
  const sizes: Sizes = {
    levels: options.smoke ? [1, 4] : [1, 4, 16, 64, 128, 256],
    perLevel: Number(process.env.BENCH_COUNT ?? (options.smoke ? 20 : 2_000)),
    levelMs: options.smoke ? 5_000 : 10_000,
    fixedCount: options.smoke ? 20 : 2_000,
    say: (line) => void (options.inProcess || console.log(line)),
  };
  const { levels, perLevel, levelMs, fixedCount } = sizes;
  sizes.say('bare Bolt:');
  const bareServer = await startServerProcess('bare', {}, options);
  const bare = await measure(sizes, bareServer, undefined);
  await bareServer.stop();

  sizes.say('Weaver:');
  const path = benchDatabasePath('latency');
  await seed(path);
  const fake = await startFakeSlack({
    users: Array.from({ length: people }, (_, i) => ({ id: `U${i + 1}`, name: `member${i + 1}` })),
    channels: Array.from({ length: communities }, (_, i) => ({ id: `C${i + 1}`, name: `cop-${i + 1}`, is_member: true })),
  });
  const weaverServer = await startServerProcess('weaver', { DATABASE_PATH: path, SLACK_API_URL: fake.apiUrl }, options);
  const weaver = await measure(sizes, weaverServer, fake);
  await weaverServer.stop();
  await fake.close();
  removeBenchDatabase(path);

  const peak = (levels: Level[]) => levels.reduce((best, level) => (level.throughput > best.throughput ? level : best), levels[0]!);
  const weaverPeak = peak(weaver.levels);
  const barePeak = peak(bare.levels);
  const rows: Row[] = [
    row(`ack p50 at ${fixedRate} req/s`, weaver.fixed.p50, 'ms', { baseline: bare.fixed.p50 }),
    row(`ack p99 at ${fixedRate} req/s`, weaver.fixed.p99, 'ms', { baseline: bare.fixed.p99, goal: { max: 50 } }),
    ratioRow(`ack p50 overhead over bare Bolt at ${fixedRate} req/s`, weaver.fixed.p50, bare.fixed.p50, { max: 1.5 }),
    ratioRow(`ack p99 overhead over bare Bolt at ${fixedRate} req/s`, weaver.fixed.p99, bare.fixed.p99, { max: 1.5 }),
    row(`server CPU per request at ${fixedRate} req/s (ack and the command behind it)`, weaver.cpuPerRequestMs, 'ms', {
      baseline: bare.cpuPerRequestMs,
    }),
    ratioRow('  CPU per request over bare Bolt', weaver.cpuPerRequestMs, bare.cpuPerRequestMs, { max: 2 }),
    row('server CPU per request, every phase (busy answers included)', weaver.cpuPerRequestAllMs, 'ms', { baseline: bare.cpuPerRequestAllMs }),
    row('  so one core sustains at most', 1000 / weaver.cpuPerRequestMs, 'req/s', { baseline: 1000 / bare.cpuPerRequestMs }),
    row('peak throughput (acks)', weaverPeak.throughput, 'req/s', { baseline: barePeak.throughput }),
    ...(weaver.answeredPerSecond === undefined ? [] : [row('commands answered per second (peak level)', weaver.answeredPerSecond, 'answers/s')]),
    ...weaver.levels.map((level, i) => {
      const baseline = bare.levels[i];
      return row(
        `ack p99, ${level.concurrency} concurrent (${level.throughput.toFixed(0)} req/s)`,
        level.p99,
        'ms',
        baseline ? { baseline: baseline.p99 } : {},
      );
    }),
    row(
      'commands answered busy (in the ack)',
      weaver.levels.reduce((sum, level) => sum + level.busy, weaver.fixed.busy),
      'requests',
    ),
    row(`commands answered busy at ${fixedRate} req/s`, weaver.fixed.busy, 'requests', { goal: { max: 0 } }),
    row(
      'non-200 acks',
      weaver.levels.reduce((sum, level) => sum + level.errors, weaver.fixed.errors),
      'requests',
      { goal: { max: 0 } },
    ),
  ];
  return {
    name: 'latency',
    title: '1. Command latency under load: signed /cop (list, join, search, events) into POST /slack/events',
    size: options.smoke ? 'smoke' : 'full',
    rows,
    notes: [
      `closed loop at ${levels.join(', ')} concurrent requests (up to ${perLevel} requests or ${levelMs / 1000} s each); then ${fixedCount} requests at ${fixedRate}/s, open loop`,
      `bare Bolt peaks at ${barePeak.throughput.toFixed(0)} req/s with ${barePeak.concurrency} concurrent; Weaver at ${weaverPeak.throughput.toFixed(0)} req/s with ${weaverPeak.concurrency}`,
      'each server runs in its own process; the load generator and the fake Web API share the other core',
    ],
    peakRssMb: peakRssMb(),
    seconds: (performance.now() - began) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  finish(args, await runLatency(args));
}
