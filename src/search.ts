import { sql } from 'kysely';
import type { Db } from './storage/database.js';
import type { HarvestRole } from './storage/schema.js';

// Each term is quoted, so that FTS5 reads the user's text as words: never NEAR, AND, *, -, ( or column:.
const wordPattern = /[\p{L}\p{N}]+/gu;
const maxTerms = 16;
// bm25 scores every hit: only the most recent hits of a common word are ranked, so a search stays fast at scale.
const candidateLimit = 2000;
const rankedLimit = 200;
export const snippetOpen = '\uE000';
export const snippetClose = '\uE001';

/** The words of a query, lower-cased and deduplicated, as FTS5's unicode61 tokenizer would split them. */
export function queryTerms(query: string): string[] {
  const words = (query.normalize('NFC').match(wordPattern) ?? []).map((word) => word.toLowerCase().slice(0, 64));
  return [...new Set(words)].slice(0, maxTerms);
}

/** An FTS5 MATCH expression over the text column, optionally limited to one community's scope token. */
export function matchExpression(terms: readonly string[], mode: 'all' | 'any', communityId?: number): string {
  const words = `{text} : (${terms.map((term) => `"${term}"`).join(mode === 'all' ? ' AND ' : ' OR ')})`;
  return communityId === undefined ? words : `{fts_scope} : "c${communityId}" AND ${words}`;
}

type Source = 'harvest' | 'practice';
const indexOf = { harvest: 'harvest_fts', practice: 'practice_fts' } as const;

/** The best-scoring ids among the most recent hits: lower scores are better (bm25 is negative). */
async function rankCandidates(db: Db, source: Source, expression: string): Promise<{ id: number; score: number }[]> {
  const index = sql.table(indexOf[source]);
  const result = await sql<{ id: number; score: number }>`
    select id, score from (
      select rowid as id, bm25(${index}, 1.0, 0.0) as score from ${index}
      where ${index} match ${expression} order by rowid desc limit ${candidateLimit}
    ) order by score limit ${rankedLimit}`.execute(db);
  return result.rows;
}

export async function snippetsFor(db: Db, source: Source, expression: string, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const index = sql.table(indexOf[source]);
  const result = await sql<{ id: number; snippet: string }>`
    select rowid as id, snippet(${index}, 0, ${snippetOpen}, ${snippetClose}, '…', 24) as snippet from ${index}
    where ${index} match ${expression} and rowid in (${sql.join(ids)})`.execute(db);
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

const roleWeight: Record<KnowledgeHit['role'], number> = { answer: 2, question: 1.25, reply: 1, practice: 1.5 };
const halfLifeMs = 180 * 86_400_000;

/** Favours marked answers and recent items: bm25 is negative, so a larger weight ranks higher. */
export function weighScore(bm25: number, role: KnowledgeHit['role'], at: number, now: number): number {
  const recency = 1 + 0.5 * Math.pow(0.5, Math.max(0, now - at) / halfLifeMs);
  return bm25 * roleWeight[role] * recency;
}

/** Harvested messages and practices that match the expression, best first (one table per query, bounded work). */
export async function findKnowledge(db: Db, expression: string, now: number): Promise<KnowledgeHit[]> {
  const [harvestIds, practiceIds] = await Promise.all([rankCandidates(db, 'harvest', expression), rankCandidates(db, 'practice', expression)]);
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
      hits.push({ source: 'harvest', id: row.id, threadId: row.thread_id, role: row.role, communityId: row.community_id, memberId: row.member_id, text: row.text, permalink: row.permalink, at: row.posted_at, score });
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
      hits.push({ source: 'practice', id: row.id, role: 'practice', communityId: row.community_id, memberId: row.member_id, text: row.text, permalink: row.permalink, at: row.created_at, score });
    }
  }
  return hits.sort((a, b) => a.score - b.score || b.at - a.at);
}

export type SearchOutcome = Readonly<{ terms: string[]; hits: KnowledgeHit[]; expression: string }>;

/** Searches with every word first, then with any word when every word finds nothing. */
export async function searchKnowledge(db: Db, query: string, options: { communityId?: number; now: number }): Promise<SearchOutcome> {
  const terms = queryTerms(query);
  if (terms.length === 0) return { terms, hits: [], expression: '' };
  let expression = matchExpression(terms, 'all', options.communityId);
  let hits = await findKnowledge(db, expression, options.now);
  if (hits.length === 0 && terms.length > 1) {
    expression = matchExpression(terms, 'any', options.communityId);
    hits = await findKnowledge(db, expression, options.now);
  }
  return { terms, hits, expression };
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
