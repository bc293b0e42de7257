import type { Db } from './storage/database.js';
import type { Member } from './storage/schema.js';
import { findKnowledge, matchExpression, queryTerms, type KnowledgeHit } from './search.js';

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
export async function findWhoKnows(db: Db, topic: string, options: { communityId?: number; now: number }): Promise<Expert[]> {
  const terms = queryTerms(topic);
  if (terms.length === 0) return [];
  let experts = await rankExperts(db, await findKnowledge(db, matchExpression(terms, 'all', options.communityId), terms, options.now, 200));
  if (experts.length === 0 && terms.length > 1) {
    experts = await rankExperts(db, await findKnowledge(db, matchExpression(terms, 'any', options.communityId), terms, options.now, 200));
  }
  return experts;
}

async function rankExperts(db: Db, hits: readonly KnowledgeHit[]): Promise<Expert[]> {
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
    return { member, answers: count('answer'), practices: count('practice'), replies: count('reply'), weight, contributions, relevance: contributions.reduce((sum, hit) => sum + hit.score, 0) };
  });
  return experts
    .sort((a, b) => b.weight - a.weight || a.relevance - b.relevance || a.member.id - b.member.id)
    .map(({ relevance: _relevance, ...expert }) => expert);
}
