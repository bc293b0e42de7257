// Search at 1,000,000 harvested messages on PostgreSQL, beside the same corpus on SQLite:
// `npx tsx bench/search-postgres.ts [--messages 1000000] [--rounds 10] [--engines postgres,sqlite]`.
// The corpus is bench/search.ts's (bench/lib/corpus.ts, seed 7: the same words, lengths and threads of 10), written
// in large batches: on PostgreSQL `insert … select from unnest(…)` of 5,000 rows at a time, the GIN index dropped for
// the oldest 90% and built once, then the newest 10% inserted through the live index, as the bot adds them; on SQLite
// prepared inserts with the FTS5 rebuild, as bench/search.ts does. Then `searchKnowledge` (src/harvest/search.ts) and
// the whole command (`executeText … 'search …'`) are timed per kind of query. PostgreSQL at BENCH_POSTGRES_URL (or
// the local server); the database is made for the run and dropped after.
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { commands } from '../src/commands/index.js';
import type { Invocation } from '../src/commands/define.js';
import { executeText } from '../src/commands/run.js';
import { searchKnowledge } from '../src/harvest/search.js';
import { manualClock } from '../src/kernel/clock.js';
import { openMigratedDatabase, type Db } from '../src/storage/database.js';
import { createCorpus, type Corpus } from './lib/corpus.js';
import { percentile, seededRandom, sortedCopy, table } from './lib/report.js';
import { benchDatabasePath, benchServices, removeBenchDatabase } from './lib/services.js';

const communities = 200;
const members = 5_000;
const perThread = 10;
const now = Date.parse('2026-11-23T10:00:00Z');
const yearMs = 365 * 86_400_000;
const batchThreads = 500;

type Message = [thread: number, community: number, channel: string, ts: string, member: number, role: string, text: string, link: string, at: number];
type Thread = { id: number; community: number; channel: string; root: string; asker: number; askedAt: number; answer: string; messages: Message[] };

/** The threads of bench/search.ts's corpus, in batches, oldest ids first. */
function* threadBatches(total: number, corpus: Corpus): Generator<Thread[]> {
  const random = seededRandom(11);
  const threads = total / perThread;
  for (let first = 1; first <= threads; first += batchThreads) {
    const batch: Thread[] = [];
    for (let id = first; id < Math.min(threads + 1, first + batchThreads); id++) {
      const community = 1 + Math.floor(Math.pow(random(), 2) * communities);
      const channel = `C${community}`;
      const askedAt = now - Math.floor(random() * yearMs);
      const asker = 1 + Math.floor(random() * members);
      const suffix = String(id % 1_000_000).padStart(6, '0');
      const root = `${askedAt / 1000}.${suffix}`;
      const answer = `${askedAt / 1000 + 60}.${suffix}`;
      const link = (ts: string) => `https://t1.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
      const messages: Message[] = [];
      for (let k = 0; k < perThread; k++) {
        const ts = k === 0 ? root : k === 1 ? answer : `${askedAt / 1000 + 60 * (k + 1)}.${suffix}`;
        const role = k === 0 ? 'question' : k === 1 ? 'answer' : 'reply';
        const author = k === 0 ? asker : 1 + Math.floor(random() * members);
        const text = k === 0 ? `${corpus.message().replace(/\.$/, '')}?` : corpus.message();
        messages.push([id, community, channel, ts, author, role, text, link(ts), askedAt + k * 60_000]);
      }
      batch.push({ id, community, channel, root, asker, askedAt, answer, messages });
    }
    yield batch;
  }
}

async function fillPostgres(db: Db, total: number, corpus: Corpus): Promise<void> {
  await sql`insert into member (id, platform, workspace_id, user_id, display_name, created_at)
    select i, 'slack', 'T1', 'U' || i, 'member' || i, 0 from generate_series(1, ${members}) i`.execute(db);
  await sql`insert into community (id, slug, name, status, created_at, updated_at)
    select i, 'cop-' || i, 'Community ' || i, 'launched', 0, 0 from generate_series(1, ${communities}) i`.execute(db);
  await sql`insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at)
    select i, 'slack', 'T1', 'C' || i, 'cop-' || i, 0 from generate_series(1, ${communities}) i`.execute(db);
  const index = await sql<{ def: string }>`select pg_get_indexdef('harvest_message_search'::regclass) as def`.execute(db);
  await sql`drop index harvest_message_search`.execute(db);
  const bulk = Math.floor((total / perThread) * 0.9);
  let indexed = false;
  for (const batch of threadBatches(total, corpus)) {
    if (!indexed && batch[0]!.id > bulk) {
      await sql.raw(index.rows[0]!.def).execute(db);
      indexed = true;
    }
    const t = batch;
    await sql`insert into harvest_thread (id, community_id, platform, workspace_id, channel_id, root_message_id, asker_member_id, source, permalink,
        asked_at, first_reply_at, answer_message_id, marked_by_member_id, marked_at, harvested_at)
      select id, c, 'slack', 'T1', ch, r, a, 'message', 'https://t1.slack.com/archives/' || ch || '/p' || replace(r, '.', ''), at, at + 60000, ans, a,
        at + 3600000, at + 3600000
      from unnest(${t.map((x) => x.id)}::int[], ${t.map((x) => x.community)}::int[], ${t.map((x) => x.channel)}::text[], ${t.map((x) => x.root)}::text[],
        ${t.map((x) => x.asker)}::int[], ${t.map((x) => x.askedAt)}::bigint[], ${t.map((x) => x.answer)}::text[]) as u(id, c, ch, r, a, at, ans)`.execute(db);
    const m = batch.flatMap((x) => x.messages);
    const column = (i: number) => m.map((message) => message[i]);
    await sql`insert into harvest_message (thread_id, community_id, platform, workspace_id, channel_id, message_id, member_id, role, text, permalink, posted_at, harvested)
      select th, c, 'slack', 'T1', ch, ts, mem, role, body, link, at, 1
      from unnest(${column(0)}::int[], ${column(1)}::int[], ${column(2)}::text[], ${column(3)}::text[], ${column(4)}::int[], ${column(5)}::text[],
        ${column(6)}::text[], ${column(7)}::text[], ${column(8)}::bigint[]) as u(th, c, ch, ts, mem, role, body, link, at)`.execute(db);
  }
  if (!indexed) await sql.raw(index.rows[0]!.def).execute(db);
  // Sequences past the explicit ids, and statistics for the planner, as autovacuum would have them after a load.
  await sql`select setval(pg_get_serial_sequence('harvest_thread', 'id'), (select max(id) from harvest_thread))`.execute(db);
  await sql`vacuum analyze harvest_message`.execute(db);
  await sql`analyze harvest_thread`.execute(db);
}

function fillSqlite(path: string, total: number, corpus: Corpus): void {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.transaction(() => {
    const member = sqlite.prepare("insert into member (id, platform, workspace_id, user_id, display_name, created_at) values (?, 'slack', 'T1', ?, ?, 0)");
    const community = sqlite.prepare("insert into community (id, slug, name, status, created_at, updated_at) values (?, ?, ?, 'launched', 0, 0)");
    const home = sqlite.prepare(
      "insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (?, 'slack', 'T1', ?, ?, 0)",
    );
    for (let id = 1; id <= members; id++) member.run(id, `U${id}`, `member${id}`);
    for (let id = 1; id <= communities; id++) {
      community.run(id, `cop-${id}`, `Community ${id}`);
      home.run(id, `C${id}`, `cop-${id}`);
    }
  })();
  const thread = sqlite.prepare(
    "insert into harvest_thread (id, community_id, platform, workspace_id, channel_id, root_message_id, asker_member_id, source, permalink, asked_at, first_reply_at, answer_message_id, marked_by_member_id, marked_at, harvested_at) values (?, ?, 'slack', 'T1', ?, ?, ?, 'message', ?, ?, ?, ?, ?, ?, ?)",
  );
  const message = sqlite.prepare(
    "insert into harvest_message (thread_id, community_id, platform, workspace_id, channel_id, message_id, member_id, role, text, permalink, posted_at, harvested) values (?, ?, 'slack', 'T1', ?, ?, ?, ?, ?, ?, ?, 1)",
  );
  const trigger = (sqlite.prepare("select sql from sqlite_master where type = 'trigger' and name = 'harvest_fts_insert'").get() as { sql: string }).sql;
  const bulk = Math.floor((total / perThread) * 0.9);
  sqlite.exec('drop trigger harvest_fts_insert');
  let indexed = false;
  for (const batch of threadBatches(total, corpus)) {
    if (!indexed && batch[0]!.id > bulk) {
      sqlite.exec("insert into harvest_fts(harvest_fts) values ('rebuild')");
      sqlite.exec(trigger);
      indexed = true;
    }
    sqlite.transaction(() => {
      for (const t of batch) {
        const link = `https://t1.slack.com/archives/${t.channel}/p${t.root.replace('.', '')}`;
        thread.run(
          t.id,
          t.community,
          t.channel,
          t.root,
          t.asker,
          link,
          t.askedAt,
          t.askedAt + 60_000,
          t.answer,
          t.asker,
          t.askedAt + 3_600_000,
          t.askedAt + 3_600_000,
        );
        for (const m of t.messages) message.run(...m);
      }
    })();
  }
  if (!indexed) {
    sqlite.exec("insert into harvest_fts(harvest_fts) values ('rebuild')");
    sqlite.exec(trigger);
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}

type Query = Readonly<{ kind: string; text: string; community?: number }>;

/** bench/search.ts's queries, by kind: common and rare words, one to three of them, with and without a community. */
function queries(vocabulary: readonly string[]): Query[] {
  const at = (rank: number) => vocabulary[rank]!;
  const list: Query[] = [
    // 'are' and 'which': stop words in PostgreSQL's english configuration, so they find nothing there.
    { kind: 'common stop word', text: at(20) },
    { kind: 'common stop word', text: at(60) },
    { kind: 'common word', text: at(70) },
    { kind: 'common word', text: at(72) },
    { kind: 'two or three common words', text: `${at(60)} ${at(75)}` },
    { kind: 'two or three common words', text: `${at(100)} ${at(120)} ${at(140)}` },
    { kind: 'two or three common words', text: `${at(70)} ${at(72)} ${at(74)}` },
    { kind: 'mid-frequency word', text: at(800) },
    { kind: 'mid-frequency word', text: `${at(900)} ${at(60)}` },
    { kind: 'rare word', text: at(5_000) },
    { kind: 'rare word', text: at(20_000) },
    { kind: 'two rare words (falls back to any)', text: `${at(12_000)} ${at(30_000)}` },
    { kind: 'two rare words (falls back to any)', text: `${at(3)} ${at(15_000)}` },
    { kind: 'no match', text: 'nothingmatchesthis' },
  ];
  return [...list, ...list.map((query, i) => ({ ...query, community: 1 + (i % 5) }))];
}

type Timings = Map<string, number[]>;

async function measure(db: Db, mix: readonly Query[], rounds: number): Promise<{ search: Timings; command: number[]; found: number }> {
  const services = benchServices(db, manualClock(now));
  const invocation: Invocation = {
    caller: { user: { platform: 'slack', workspaceId: 'T1', userId: 'U1' }, name: 'member1', isPlatformAdmin: false },
    channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C1', name: 'cop-1' },
  };
  const search: Timings = new Map();
  const command: number[] = [];
  let found = 0;
  for (let round = 0; round <= rounds; round++) {
    for (const query of mix) {
      const t0 = performance.now();
      const outcome = await searchKnowledge(db, query.text, { communityId: query.community, now });
      const t1 = performance.now();
      await executeText(services, commands, invocation, `search ${query.text}${query.community ? ` community:cop-${query.community}` : ''}`);
      const t2 = performance.now();
      if (round === 0) continue;
      const kind = `${query.kind}${query.community ? ', one community' : ''}`;
      search.set(kind, [...(search.get(kind) ?? []), t1 - t0]);
      search.set('all queries', [...(search.get('all queries') ?? []), t1 - t0]);
      command.push(t2 - t1);
      if (outcome.hits.length > 0) found++;
    }
  }
  return { search, command, found };
}

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '10' },
    engines: { type: 'string', default: 'postgres,sqlite' },
    // Keep the PostgreSQL database (its name is printed), or reuse one kept by an earlier run.
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const total = Number(values.messages);
const rounds = Number(values.rounds);
const engines = values.engines.split(',');
const corpus = createCorpus(7);
const mix = queries(corpus.vocabulary);
const results = new Map<string, Awaited<ReturnType<typeof measure>> & { fillSeconds: number; sizeMb: number }>();

if (engines.includes('postgres')) {
  const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = values.reuse ?? `weaver_bench_search_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  if (!values.reuse) await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    const db = await openMigratedDatabase(url.toString());
    const t0 = performance.now();
    if (!values.reuse) await fillPostgres(db, total, corpus);
    const fillSeconds = (performance.now() - t0) / 1000;
    const size = await sql<{ mb: number }>`select pg_database_size(current_database()) / 1048576.0 as mb`.execute(db);
    results.set('PostgreSQL 15', { ...(await measure(db, mix, rounds)), fillSeconds, sizeMb: Number(size.rows[0]!.mb) });
    await db.destroy();
  } finally {
    if (values.keep || values.reuse) process.stdout.write(`kept the PostgreSQL database ${name}\n`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (engines.includes('sqlite')) {
  const path = benchDatabasePath('search-pg-baseline');
  try {
    await (await openMigratedDatabase(path)).destroy();
    const t0 = performance.now();
    fillSqlite(path, total, corpus);
    const fillSeconds = (performance.now() - t0) / 1000;
    const { statSync } = await import('node:fs');
    const db = await openMigratedDatabase(path);
    results.set('SQLite (FTS5)', { ...(await measure(db, mix, rounds)), fillSeconds, sizeMb: statSync(path).size / 1048576 });
    await db.destroy();
  } finally {
    removeBenchDatabase(path);
  }
}

const names = [...results.keys()];
const kinds = [...new Set([...results.values()].flatMap((result) => [...result.search.keys()]))];
const cell = (values: readonly number[] | undefined) => {
  const sorted = sortedCopy(values ?? []);
  return sorted.length === 0 ? '–' : `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.95).toFixed(1)}`;
};
process.stdout.write(`\nsearchKnowledge at ${total.toLocaleString('en-US')} messages, p50 / p95 in ms (${rounds} rounds after a warm-up)\n`);
process.stdout.write(
  `${table(
    ['query', ...names],
    [
      ...kinds.map((kind) => [kind, ...names.map((name) => cell(results.get(name)!.search.get(kind)))]),
      ['whole command (executeText `search …`)', ...names.map((name) => cell(results.get(name)!.command))],
      ['searches that found something', ...names.map((name) => `${results.get(name)!.found} of ${results.get(name)!.command.length}`)],
      ['filled in', ...names.map((name) => `${results.get(name)!.fillSeconds.toFixed(0)} s`)],
      ['database size', ...names.map((name) => `${results.get(name)!.sizeMb.toFixed(0)} MB`)],
    ],
  )}\n`,
);
