// Search at scale: `npx tsx bench/search-bench.ts [messages]` fills a temporary database and reports latency percentiles.
// BENCH_DB=<path> reuses a database filled by an earlier run (its path is printed).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { findWhoKnows } from '../src/who.js';
import { bestPerThread, searchKnowledge, snippetsFor } from '../src/search.js';
import { openMigratedDatabase } from '../src/storage/database.js';

const total = Number(process.argv[2] ?? 1_000_000);
const perThread = 10;
const reused = process.env.BENCH_DB;
const path = reused ?? join(mkdtempSync(join(tmpdir(), 'weaver-bench-')), 'bench.db');
const db = await openMigratedDatabase(path);

// A Zipf-like vocabulary: a few very common words, a long tail of rare ones.
const common = ['the', 'we', 'and', 'volunteer', 'school', 'event', 'kit', 'time', 'pupils', 'help'];
const tail = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x`);
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const word = () => (random() < 0.45 ? common[Math.floor(random() * common.length)]! : tail[Math.floor(Math.pow(random(), 2) * tail.length)]!);
const sentence = () => Array.from({ length: 8 + Math.floor(random() * 25) }, word).join(' ');

const raw = (await sql<{ v: string }>`select sqlite_version() as v`.execute(db)).rows[0]!.v;
console.log(`SQLite ${raw}, ${path}: ${reused ? 'reusing it' : `filling ${total} messages…`}`);
if (!reused) await fill();
async function fill() {
  const started = performance.now();
  const people = Array.from({ length: 500 }, (_, i) => ({ platform: 'slack', workspace_id: 'T1', user_id: `U${i + 1}`, display_name: `user${i + 1}`, created_at: 0 }));
  await db.insertInto('member').values(people).execute();
  await db.insertInto('community').values([{ slug: 'a', name: 'A', created_at: 0, updated_at: 0 }, { slug: 'b', name: 'B', created_at: 0, updated_at: 0 }]).execute();
  const batch = 20_000;
  for (let offset = 0; offset < total; offset += batch) {
    await db.transaction().execute(async (trx) => {
      for (let i = offset; i < Math.min(total, offset + batch); i += perThread) {
        const thread = await trx
          .insertInto('harvest_thread')
          .values({ community_id: 1 + (i % 2), platform: 'slack', workspace_id: 'T1', channel_id: 'C1', root_message_id: `${i}`, asker_member_id: 1 + (i % 500), source: 'message', asked_at: i, harvested_at: i, answer_message_id: `${i + 1}` })
          .returning('id')
          .executeTakeFirstOrThrow();
        const rows = Array.from({ length: perThread }, (_, k) => ({
          thread_id: thread.id,
          community_id: 1 + (i % 2),
          platform: 'slack',
          workspace_id: 'T1',
          channel_id: 'C1',
          message_id: `${i + k}`,
          member_id: 1 + ((i + k * 7) % 500),
          role: k === 0 ? ('question' as const) : k === 1 ? ('answer' as const) : ('reply' as const),
          text: sentence(),
          posted_at: i + k,
          harvested: 1,
        }));
        await trx.insertInto('harvest_message').values(rows).execute();
      }
    });
  }
  console.log(`filled in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const queries = ['the', 'volunteer school', 'the we and', 'kit pupils help', 'w1x', 'w2bx w10x', 'wzzzx', 'time event', 'nothingatall', 'volunteer w5x'];
async function measure(label: string, run: (query: string, i: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const [i, query] of queries.entries()) {
      const t0 = performance.now();
      await run(query, i);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`${label}: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms over ${times.length} queries`);
}
await measure('search (as the command runs it)', async (query, i) => {
  const outcome = await searchKnowledge(db, query, { communityId: i % 3 === 0 ? 1 : undefined, now: total });
  const hits = bestPerThread(outcome.hits).slice(0, 5);
  await snippetsFor(db, 'harvest', outcome.expression, hits.map((h) => h.id));
});
await measure('who', (query) => findWhoKnows(db, query, { now: total }));
await db.destroy();
