import { sql } from 'kysely';
import type { Db } from '../storage/database.js';
import { isPostgres } from '../storage/engine.js';
import * as postgresSearch from './search-postgres.js';
import type { HarvestRole } from '../storage/schema.js';

// Each term is quoted, so that FTS5 reads the user's text as words: never NEAR, AND, *, -, ( or column:.
const wordPattern = /[\p{L}\p{N}]+/gu;
const maxTerms = 16;
// FTS5's bm25() counts every row holding each term before it scores the first (25 ms for a common word at 1M rows),
// so we rank ourselves: the most recent hits and the shortest questions and answers, scored BM25-style from their text
// and from document counts read up to a bound (estimated past it).
const candidateLimit = 200;
const documentCountCap = 1000;
export const snippetOpen = '\uE000';
export const snippetClose = '\uE001';

/** The words of a query, lower-cased and deduplicated, as FTS5's unicode61 tokenizer would split them. */
export function queryTerms(query: string): string[] {
  const words = (query.normalize('NFC').match(wordPattern) ?? []).map((word) => word.toLowerCase().slice(0, 64));
  return [...new Set(words)].slice(0, maxTerms);
}

/** Where a search looks: one community, several (a network's), or everywhere when undefined. */
export type CommunityScope = number | readonly number[] | undefined;

/** What to look for: the query's words, all of them or any, in which communities. Each engine compiles it its own way. */
export type KnowledgeMatch = Readonly<{ terms: readonly string[]; mode: 'all' | 'any'; scope?: CommunityScope }>;

/** An FTS5 MATCH expression over the text column, optionally limited to communities' scope tokens. */
export function matchExpression(terms: readonly string[], mode: 'all' | 'any', communityId?: CommunityScope): string {
  const words = `{text} : (${terms.map((term) => `"${term}"`).join(mode === 'all' ? ' AND ' : ' OR ')})`;
  if (communityId === undefined) return words;
  const ids = typeof communityId === 'number' ? [communityId] : communityId;
  const scopes = ids.map((id) => `"c${Math.trunc(id)}"`);
  return `{fts_scope} : ${scopes.length === 1 ? scopes[0] : `(${scopes.join(' OR ') || '"none"'})`} AND ${words}`;
}

export type Source = 'harvest' | 'practice';
const indexOf = { harvest: 'harvest_fts', practice: 'practice_fts' } as const;
const contentOf = { harvest: 'harvest_message', practice: 'practice' } as const;

// Document counts by database, source, term and table size: the same words come back search after search, and a count
// stays right until rows are added (a deletion leaves it a little high, which only softens that word's weight).
const countCache = new WeakMap<Db, Map<string, number>>();
const countCacheSize = 2000;

/** How many rows hold the term: counted up to the cap, and past it estimated from the ids the first capped ones span. */
async function countDocuments(db: Db, source: Source, term: string, total: number): Promise<number> {
  const cache = countCache.get(db) ?? new Map<string, number>();
  countCache.set(db, cache);
  const key = `${source} ${total} ${term}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const counted = await countDocumentsNow(db, source, term, total);
  if (cache.size >= countCacheSize) cache.clear();
  cache.set(key, counted);
  return counted;
}

async function countDocumentsNow(db: Db, source: Source, term: string, total: number): Promise<number> {
  const index = sql.table(indexOf[source]);
  // FTS5 reads a term's rows oldest first (the cheaper way): past the cap, the share of ids they span gives the rate.
  const result = await sql<{ n: number; reach: number | null }>`
    select count(*) as n, max(id) as reach from (
      select rowid as id from ${index} where ${index} match ${matchExpression([term], 'all')} limit ${documentCountCap})`.execute(db);
  const { n, reach } = result.rows[0] ?? { n: 0, reach: null };
  if (n < documentCountCap || reach === null) return Number(n);
  return Math.min(total, (Number(n) * total) / Math.max(1, Number(reach)));
}

/** BM25 of a text of `length` words holding each term `frequency` times: negative, lower is better, as FTS5's bm25(). */
export function scoreBm25(frequency: ReadonlyMap<string, number>, length: number, idf: ReadonlyMap<string, number>, averageLength: number): number {
  const k1 = 1.2;
  const b = 0.75;
  let score = 0;
  for (const [term, tf] of frequency) score += (idf.get(term) ?? 0) * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / averageLength)));
  return -score;
}

// Words counted as runs of non-space: a cheap stand-in for the tokenizer, run on every candidate.
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words || 1;
}

/** The best-scoring ids among the most recent hits and, past those, the shortest questions and answers: lower is better. */
async function rankCandidates(db: Db, source: Source, match: KnowledgeMatch, keep: number): Promise<{ id: number; score: number }[]> {
  if (isPostgres(db)) return postgresSearch.rankCandidates(db, source, match, keep);
  const { terms } = match;
  const expression = matchExpression(terms, match.mode, match.scope);
  const index = sql.table(indexOf[source]);
  const recent = await sql<{ id: number; text: string }>`
    select content.id, content.text from ${index} join ${sql.table(contentOf[source])} as content on content.id = ${index}.rowid
    where ${index} match ${expression} order by ${index}.rowid desc limit ${candidateLimit}`.execute(db);
  if (recent.rows.length === 0) return [];
  // Every match is a candidate already unless the recent ones fill the window; then older short exact ones join them.
  const older =
    source === 'harvest' && match.mode === 'all' && recent.rows.length === candidateLimit
      ? await textsOf(db, await shortestMatches(db, expression), new Set(recent.rows.map((row) => row.id)))
      : [];
  const size = await sql<{ n: number | null }>`select max(id) as n from ${sql.table(contentOf[source])}`.execute(db);
  const total = Math.max(1, Number(size.rows[0]?.n ?? 1));
  const idf = new Map<string, number>();
  for (const term of terms.slice(0, 8)) {
    const documents = await countDocuments(db, source, term, total);
    idf.set(term, Math.log(1 + (total - documents + 0.5) / (documents + 0.5)));
  }
  const rows = [...recent.rows, ...older].map((row) => ({ id: row.id, text: row.text, length: countWords(row.text) }));
  const averageLength = rows.slice(0, recent.rows.length).reduce((sum, row) => sum + row.length, 0) / recent.rows.length;
  return rows
    .map((row) => ({ id: row.id, score: scoreBm25(termFrequencies(row.text, terms, match.mode), row.length, idf, averageLength) }))
    .sort((a, c) => a.score - c.score)
    .slice(0, keep);
}

async function textsOf(db: Db, ids: readonly number[], except: ReadonlySet<number>): Promise<{ id: number; text: string }[]> {
  const wanted = ids.filter((id) => !except.has(id));
  if (wanted.length === 0) return [];
  return db.selectFrom('harvest_message').select(['id', 'text']).where('id', 'in', wanted).execute();
}

const shortestLimit = 40;
const lengthUnit = 2 ** 40;

/** The ids of the shortest harvested questions and answers holding every word, newest first among equals (see migration 2026-12-03-01). */
async function shortestMatches(db: Db, expression: string): Promise<number[]> {
  const result = await sql<{ key: number }>`
    select rowid as key from harvest_shortest_fts where harvest_shortest_fts match ${expression} order by rowid limit ${shortestLimit}`.execute(db);
  return result.rows.map(({ key }) => lengthUnit - 1 - (key % lengthUnit));
}

/** How often each term appears as typed (case aside); with every word matched, once at least (FTS5 also matches stemmed forms). */
export function termFrequencies(text: string, terms: readonly string[], mode: 'all' | 'any'): Map<string, number> {
  const frequency = new Map(terms.map((term) => [term, 0]));
  for (const word of text.match(wordPattern) ?? []) {
    const term = word.toLowerCase();
    const seen = frequency.get(term);
    if (seen !== undefined) frequency.set(term, seen + 1);
  }
  if (mode === 'all') for (const [term, tf] of frequency) if (tf === 0) frequency.set(term, 1);
  return frequency;
}

// The ids come as one JSON array: FTS5 (SQLite 3.53) drops a `rowid = ?` beside MATCH, which is what `rowid in (?)` of one
// id becomes, and then cuts a snippet of every match (5.7 s for a common word at 1M messages).
export async function snippetsFor(db: Db, source: Source, match: KnowledgeMatch, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  if (isPostgres(db)) return postgresSearch.snippetsFor(db, source, match, ids, { open: snippetOpen, close: snippetClose });
  const expression = matchExpression(match.terms, match.mode, match.scope);
  const index = sql.table(indexOf[source]);
  const result = await sql<{ id: number; snippet: string }>`
    select rowid as id, snippet(${index}, 0, ${snippetOpen}, ${snippetClose}, '…', 24) as snippet from ${index}
    where ${index} match ${expression} and rowid in (select value from json_each(${JSON.stringify(ids)}))`.execute(db);
  return new Map(result.rows.map((row) => [row.id, row.snippet]));
}

export type KnowledgeHit = Readonly<{
  source: Source;
  id: number;
  /** The question thread, for harvested messages. */
  threadId?: number;
  role: HarvestRole | 'practice';
  communityId: number;
  memberId: number;
  text: string;
  permalink: string | null;
  at: number;
  score: number;
}>;

// A thread's question names its topic as its marked answer does: someone who remembers the question finds the thread.
// Recency breaks near-ties (at most a tenth more), so that an exact old question outranks a looser recent one.
const roleWeight: Record<KnowledgeHit['role'], number> = { answer: 2, question: 2, reply: 1, practice: 1.5 };
const halfLifeMs = 180 * 86_400_000;

/** Favours marked answers, the questions they answer, and recent items: scores are negative, so a larger weight ranks higher. */
export function weighScore(bm25: number, role: KnowledgeHit['role'], at: number, now: number): number {
  const recency = 1 + 0.1 * Math.pow(0.5, Math.max(0, now - at) / halfLifeMs);
  return bm25 * roleWeight[role] * recency;
}

/** Harvested messages and practices that match, best first (one table per query, bounded work). */
export async function findKnowledge(db: Db, match: KnowledgeMatch, now: number, keep = 50): Promise<KnowledgeHit[]> {
  const harvestIds = await rankCandidates(db, 'harvest', match, keep);
  const practiceIds = await rankCandidates(db, 'practice', match, keep);
  const hits: KnowledgeHit[] = [];
  if (harvestIds.length) {
    const scores = new Map(harvestIds.map((row) => [row.id, row.score]));
    const rows = await db
      .selectFrom('harvest_message')
      .select(['id', 'thread_id', 'role', 'community_id', 'member_id', 'text', 'permalink', 'posted_at'])
      .where('id', 'in', [...scores.keys()])
      .where('harvested', '=', 1)
      .execute();
    for (const row of rows) {
      const score = weighScore(scores.get(row.id)!, row.role, row.posted_at, now);
      hits.push({
        source: 'harvest',
        id: row.id,
        threadId: row.thread_id,
        role: row.role,
        communityId: row.community_id,
        memberId: row.member_id,
        text: row.text,
        permalink: row.permalink,
        at: row.posted_at,
        score,
      });
    }
  }
  if (practiceIds.length) {
    const scores = new Map(practiceIds.map((row) => [row.id, row.score]));
    const rows = await db
      .selectFrom('practice')
      .select(['id', 'community_id', 'member_id', 'text', 'permalink', 'created_at'])
      .where('id', 'in', [...scores.keys()])
      .execute();
    for (const row of rows) {
      const score = weighScore(scores.get(row.id)!, 'practice', row.created_at, now);
      hits.push({
        source: 'practice',
        id: row.id,
        role: 'practice',
        communityId: row.community_id,
        memberId: row.member_id,
        text: row.text,
        permalink: row.permalink,
        at: row.created_at,
        score,
      });
    }
  }
  return hits.sort((a, b) => a.score - b.score || b.at - a.at);
}

export type SearchOutcome = Readonly<{ terms: string[]; hits: KnowledgeHit[]; match: KnowledgeMatch }>;

/** Searches with every word first, then with any word when every word finds nothing. */
export async function searchKnowledge(db: Db, query: string, options: { communityId?: CommunityScope; now: number }): Promise<SearchOutcome> {
  const terms = queryTerms(query);
  let match: KnowledgeMatch = { terms, mode: 'all', scope: options.communityId };
  if (terms.length === 0) return { terms, hits: [], match };
  let hits = await findKnowledge(db, match, options.now);
  if (hits.length === 0 && terms.length > 1) {
    match = { ...match, mode: 'any' };
    hits = await findKnowledge(db, match, options.now);
  }
  return { terms, hits, match };
}

/** The best hit of each question thread, and every practice: a thread shows once, by its best message. */
export function bestPerThread(hits: readonly KnowledgeHit[]): KnowledgeHit[] {
  const seen = new Set<number>();
  return hits.filter((hit) => {
    if (hit.threadId === undefined) return true;
    if (seen.has(hit.threadId)) return false;
    seen.add(hit.threadId);
    return true;
  });
}
