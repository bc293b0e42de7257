import type { Db } from '../storage/database.js';
import type { Member } from '../storage/schema.js';
import { findKnowledge, queryTerms, type CommunityScope, type KnowledgeHit } from './search.js';

// Marked answers say most about who knows a topic, shared practices next, other replies least; asking says nothing.
const contributionWeight: Record<KnowledgeHit['role'], number> = { answer: 3, practice: 2, reply: 1, question: 0 };

export type Expert = Readonly<{
  member: Member;
  answers: number;
  practices: number;
  replies: number;
  weight: number;
  /** Their matching contributions, best first. */
  contributions: KnowledgeHit[];
}>;

/** Members ranked by their matching contributions; never anyone with privacy off (or forgotten: nothing of theirs is left). */
export async function findWhoKnows(db: Db, topic: string, options: { communityId?: CommunityScope; now: number }): Promise<Expert[]> {
  const terms = queryTerms(topic);
  if (terms.length === 0) return [];
  let experts = await rankExperts(db, await findKnowledge(db, { terms, mode: 'all', scope: options.communityId }, options.now, 200));
  if (experts.length === 0 && terms.length > 1) {
    experts = await rankExperts(db, await findKnowledge(db, { terms, mode: 'any', scope: options.communityId }, options.now, 200));
  }
  return experts;
}

/** A question that matches the topic says its marked answer is about the topic too, whatever words the answer used. */
async function withAnswersToMatchingQuestions(db: Db, hits: readonly KnowledgeHit[]): Promise<KnowledgeHit[]> {
  const questions = new Map(hits.filter((hit) => hit.role === 'question' && hit.threadId !== undefined).map((hit) => [hit.threadId!, hit]));
  const found = new Set(hits.filter((hit) => hit.role === 'answer').map((hit) => hit.id));
  if (questions.size === 0) return [...hits];
  const answers = await db
    .selectFrom('harvest_message')
    .select(['id', 'thread_id', 'community_id', 'member_id', 'text', 'permalink', 'posted_at'])
    .where('role', '=', 'answer')
    .where('thread_id', 'in', [...questions.keys()])
    .execute();
  const credited = answers
    .filter((row) => !found.has(row.id))
    .map((row): KnowledgeHit => ({
      source: 'harvest',
      id: row.id,
      threadId: row.thread_id,
      role: 'answer',
      communityId: row.community_id,
      memberId: row.member_id,
      text: row.text,
      permalink: row.permalink,
      at: row.posted_at,
      score: questions.get(row.thread_id)!.score,
    }));
  return [...hits, ...credited];
}

async function rankExperts(db: Db, matched: readonly KnowledgeHit[]): Promise<Expert[]> {
  const hits = await withAnswersToMatchingQuestions(db, matched);
  const byMember = new Map<number, KnowledgeHit[]>();
  for (const hit of hits) {
    if (contributionWeight[hit.role] === 0) continue;
    byMember.set(hit.memberId, [...(byMember.get(hit.memberId) ?? []), hit]);
  }
  if (byMember.size === 0) return [];
  const members = await db
    .selectFrom('member')
    .selectAll()
    .where('id', 'in', [...byMember.keys()])
    .where('privacy_on', '=', 1)
    .execute();
  const experts = members.map((member) => {
    const contributions = byMember.get(member.id)!;
    const count = (role: KnowledgeHit['role']) => contributions.filter((hit) => hit.role === role).length;
    const weight = contributions.reduce((sum, hit) => sum + contributionWeight[hit.role], 0);
    return {
      member,
      answers: count('answer'),
      practices: count('practice'),
      replies: count('reply'),
      weight,
      contributions,
      relevance: contributions.reduce((sum, hit) => sum + hit.score, 0),
    };
  });
  return experts
    .sort((a, b) => b.weight - a.weight || a.relevance - b.relevance || a.member.id - b.member.id)
    .map(({ relevance: _relevance, ...expert }) => expert);
}
