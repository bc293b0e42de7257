// The search figure's relevance check: harvested threads spread over the whole year, each searched for with two or
// three distinctive words of its question, as someone who remembers the question would type it. A thread is found when
// it is among the first three threads `search` shows (bestPerThread of searchKnowledge, as the command ranks them).
import type SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { bestPerThread, matchExpression, queryTerms, searchKnowledge } from '../../src/harvest/search.js';
import type { Db } from '../../src/storage/database.js';

export type Relevance = Readonly<{
  threads: number;
  foundInTop3: number;
  /** Threads whose question lies beyond the 200 most recent matches of its own query: a recency window misses them. */
  beyondWindow: number;
  beyondWindowFound: number;
  /** Threads whose query holds one of the 100 most common words. */
  withCommonWord: number;
  withCommonWordFound: number;
  times: number[];
  misses: string[];
}>;

const shownFirst = 3;
const windowSize = 200;

/** The question's distinctive words: the rarest (by vocabulary rank), two for even threads and three for odd ones. */
export function distinctiveWords(question: string, rankOf: ReadonlyMap<string, number>, count: number): string[] {
  const words = queryTerms(question).filter((word) => rankOf.has(word));
  return words.sort((a, b) => rankOf.get(b)! - rankOf.get(a)!).slice(0, count);
}

export async function measureRelevance(db: Db, raw: SQLite.Database, vocabulary: readonly string[], now: number, sample = 500): Promise<Relevance> {
  const rankOf = new Map(vocabulary.map((word, rank) => [word, rank]));
  const threads = raw.prepare('select id from harvest_thread order by asked_at').pluck().all() as number[];
  const question = raw.prepare("select id, text from harvest_message where thread_id = ? and role = 'question'");
  const newerMatches = raw.prepare('select count(*) from (select rowid from harvest_fts where harvest_fts match ? and rowid > ? limit ?)').pluck();
  let foundInTop3 = 0;
  let beyondWindow = 0;
  let beyondWindowFound = 0;
  let withCommonWord = 0;
  let withCommonWordFound = 0;
  const times: number[] = [];
  const misses: string[] = [];
  for (let i = 0; i < sample; i++) {
    // Evenly over the year, oldest to newest.
    const threadId = threads[Math.floor(((i + 0.5) * threads.length) / sample)]!;
    const asked = question.get(threadId) as { id: number; text: string } | undefined;
    if (!asked) continue;
    const words = distinctiveWords(asked.text, rankOf, i % 2 === 0 ? 2 : 3);
    const query = words.join(' ');
    const t0 = performance.now();
    const outcome = await searchKnowledge(db, query, { now });
    times.push(performance.now() - t0);
    const found = bestPerThread(outcome.hits)
      .slice(0, shownFirst)
      .some((hit) => hit.threadId === threadId);
    const beyond = Number(newerMatches.get(matchExpression(queryTerms(query), 'all'), asked.id, windowSize)) >= windowSize;
    const common = words.some((word) => rankOf.get(word)! < 100);
    if (found) foundInTop3++;
    else if (misses.length < 10) misses.push(`thread ${threadId}: "${query}"`);
    if (beyond) {
      beyondWindow++;
      if (found) beyondWindowFound++;
    }
    if (common) {
      withCommonWord++;
      if (found) withCommonWordFound++;
    }
  }
  return { threads: times.length, foundInTop3, beyondWindow, beyondWindowFound, withCommonWord, withCommonWordFound, times, misses };
}
