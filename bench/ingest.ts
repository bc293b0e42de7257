// Figure 5, ingest: `npx tsx bench/ingest.ts [--smoke]`.
// Replies in question threads of a home channel, sent as signed Events API requests into the real receiver
// (startWeaver in its own process, the Web API faked here), counted once stored in SQLite; against a raw insert loop
// (one prepared insert per message, each its own transaction, as each event is) on the same schema.
import SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { openMigratedDatabase } from '../src/storage/database.js';
import { fakeBot, fakeTeam, startFakeSlack } from '../tests/fakes/slack-api.js';
import { eventEnvelope } from '../tests/fakes/slack-requests.js';
import { createCorpus, type Corpus } from './lib/corpus.js';
import { closedLoop, createPoster } from './lib/load.js';
import { finish, isMain, parseArgs, peakRssMb, percentile, row, sortedCopy, type BenchOptions, type Figure } from './lib/report.js';
import { startServerProcess } from './lib/server-process.js';
import { benchDatabasePath, removeBenchDatabase } from './lib/services.js';

const concurrency = 16;
const threads = 200;
const people = 500;
const channel = 'C0HOME';
// Recent threads: the scheduler forgets unanswered threads after 90 days and reminds askers a day after a first reply.
const base = Math.floor(Date.now() / 1000) - 3600;
const rootTs = (thread: number) => `${base + thread}.000000`;

/** A home channel with open question threads (already hinted), as a busy community has. */
export async function seed(path: string, corpus: Corpus): Promise<void> {
  const db = await openMigratedDatabase(path);
  await db.destroy();
  const sqlite = new SQLite(path);
  sqlite.transaction(() => {
    sqlite.prepare("insert into community (id, slug, name, status, created_at, updated_at) values (1, 'outreach', 'Outreach', 'launched', 0, 0)").run();
    sqlite
      .prepare("insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (1, 'slack', ?, ?, 'outreach', 0)")
      .run(fakeTeam.id, channel);
    const member = sqlite.prepare("insert into member (id, platform, workspace_id, user_id, display_name, created_at) values (?, 'slack', ?, ?, ?, 0)");
    for (let id = 1; id <= people; id++) member.run(id, fakeTeam.id, `U${id}`, `member${id}`);
    const thread = sqlite.prepare(
      "insert into harvest_thread (id, community_id, platform, workspace_id, channel_id, root_message_id, asker_member_id, source, asked_at, first_reply_at, hint_at) values (?, 1, 'slack', ?, ?, ?, ?, 'message', ?, ?, ?)",
    );
    const question = sqlite.prepare(
      "insert into harvest_message (thread_id, community_id, platform, workspace_id, channel_id, message_id, member_id, role, text, posted_at) values (?, 1, 'slack', ?, ?, ?, ?, 'question', ?, ?)",
    );
    for (let id = 1; id <= threads; id++) {
      const at = (base + id) * 1000;
      thread.run(id, fakeTeam.id, channel, rootTs(id), 1 + (id % people), at, null, at + 1000);
      question.run(id, fakeTeam.id, channel, rootTs(id), 1 + (id % people), `${corpus.message().replace(/\.$/, '')}?`, at);
    }
  })();
  sqlite.close();
}

export function replyEvent(texts: readonly string[], i: number) {
  const thread = 1 + (i % threads);
  const ts = `${base + 10_000 + Math.floor(i / 1000)}.${String(i % 1000).padStart(6, '0')}`;
  const event = {
    type: 'message',
    channel,
    channel_type: 'channel',
    user: `U${1 + ((i * 7) % people)}`,
    text: texts[i]!,
    ts,
    thread_ts: rootTs(thread),
    event_ts: ts,
  };
  return { body: JSON.stringify(eventEnvelope(event, `Ev${String(i).padStart(8, '0')}`, fakeTeam.id)), contentType: 'application/json' };
}

function countReplies(path: string): number {
  const sqlite = new SQLite(path, { readonly: true });
  try {
    return (sqlite.prepare("select count(*) as n from harvest_message where role = 'reply'").get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

export async function runIngest(options: BenchOptions): Promise<Figure> {
  const began = performance.now();
  const count = Number(process.env.BENCH_COUNT ?? (options.smoke ? 100 : 10_000));
  const corpus = createCorpus(21);
  const texts = Array.from({ length: count }, () => corpus.message());
  // The Slack event path.
  const path = benchDatabasePath('ingest');
  await seed(path, corpus);
  const fake = await startFakeSlack({
    users: Array.from({ length: people }, (_, i) => ({ id: `U${i + 1}`, name: `member${i + 1}` })),
    channels: [{ id: channel, name: 'outreach', is_member: true }],
  });
  const server = await startServerProcess('weaver', { DATABASE_PATH: path, SLACK_API_URL: fake.apiUrl }, options);
  const poster = createPoster(server.url, concurrency);
  const cpuBefore = await server.cpuMs();
  const started = performance.now();
  // An event refused while Weaver's line is full (503) is delivered again, as Slack does (it waits a minute; here 200 ms).
  const load = await closedLoop(poster, concurrency, count, 120_000, (i) => replyEvent(texts, i), { redeliverAfterMs: 200 });
  let stored = countReplies(path);
  const storeDeadline = performance.now() + 120_000;
  while (stored < load.completed - load.errors && performance.now() < storeDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stored = countReplies(path);
  }
  const eventSeconds = (performance.now() - started) / 1000;
  const cpuPerEventMs = ((await server.cpuMs()) - cpuBefore) / Math.max(1, stored);
  poster.close();
  await server.stop();
  await fake.close();

  // The baseline: the same messages, one prepared insert each.
  const rawPath = benchDatabasePath('ingest-raw');
  await seed(rawPath, corpus);
  const raw = new SQLite(rawPath);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const insert = raw.prepare(
    "insert into harvest_message (thread_id, community_id, platform, workspace_id, channel_id, message_id, member_id, role, text, posted_at, harvested) values (?, 1, 'slack', ?, ?, ?, ?, 'reply', ?, ?, 0)",
  );
  const rawStarted = performance.now();
  for (let i = 0; i < count; i++) insert.run(1 + (i % threads), fakeTeam.id, channel, `r${i}`, 1 + (i % people), texts[i]!, base * 1000 + i);
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  raw.close();
  removeBenchDatabase(path);
  removeBenchDatabase(rawPath);

  const acks = sortedCopy(load.latencies);
  const rate = stored / eventSeconds;
  const rawRate = count / rawSeconds;
  return {
    name: 'ingest',
    title: `5. Ingest: ${count.toLocaleString('en-US')} reply events through POST /slack/events`,
    size: options.smoke ? 'smoke' : 'full',
    rows: [
      row('stored messages per second', rate, 'msgs/s', { baseline: rawRate }),
      row('server CPU per stored message', cpuPerEventMs, 'ms', { baseline: (rawSeconds * 1000) / count }),
      row('  so one core sustains at most', 1000 / cpuPerEventMs, 'msgs/s', { baseline: rawRate }),
      row('event ack p50', percentile(acks, 0.5), 'ms'),
      row('event ack p99', percentile(acks, 0.99), 'ms'),
      row('events lost (acked, not stored)', Math.max(0, load.completed - load.errors - stored), 'events', { goal: { max: 0 } }),
      row('non-200 acks', load.errors, 'events', { goal: { max: 0 } }),
      row('events refused while the line was full (503), delivered again', load.refused, 'deliveries'),
    ],
    notes: [
      `${concurrency} concurrent senders; Weaver in its own process (token ${fakeBot.token.slice(0, 5)}…, Web API faked in the load process)`,
      'baseline: a raw prepared insert loop into harvest_message, each insert its own transaction (WAL, synchronous NORMAL)',
      `${load.completed} events acked in ${load.seconds.toFixed(1)} s; all stored after ${eventSeconds.toFixed(1)} s`,
    ],
    peakRssMb: peakRssMb(),
    seconds: (performance.now() - began) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  finish(args, await runIngest(args));
}
