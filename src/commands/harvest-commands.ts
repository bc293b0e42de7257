import { zoneOfCommunity } from '../communities/communities.js';
import { authorSpan, roleLabel, snippetSpans, sourceLine } from '../harvest/knowledge-render.js';
import { shorten } from '../harvest/posts.js';
import { answer, code, joinRich, link, rich, type RichText, type Section } from '../kernel/reply.js';
import { bestPerThread, searchKnowledge, snippetsFor, type KnowledgeHit } from '../harvest/search.js';
import type { Db } from '../storage/database.js';
import type { Community, Member } from '../storage/schema.js';
import { findWhoKnows } from '../harvest/who.js';
import { plural } from '../kernel/words.js';
import { communityOrNetwork, optional, text } from './args.js';
import { scopeOf } from '../networks/networks.js';
import { defineCommand } from './define.js';

const shownResults = 5;
const shownExperts = 5;

/** What a list of hits needs to be shown: communities, authors, and the question of each thread. */
async function loadHitContext(db: Db, hits: readonly KnowledgeHit[]) {
  const ids = (pick: (hit: KnowledgeHit) => number | undefined) => [...new Set(hits.map(pick).filter((id): id is number => id !== undefined))];
  const threadIds = ids((h) => h.threadId);
  const [communities, members, questions] = await Promise.all([
    ids((h) => h.communityId).length
      ? db
          .selectFrom('community')
          .selectAll()
          .where(
            'id',
            'in',
            ids((h) => h.communityId),
          )
          .execute()
      : [],
    ids((h) => h.memberId).length
      ? db
          .selectFrom('member')
          .selectAll()
          .where(
            'id',
            'in',
            ids((h) => h.memberId),
          )
          .execute()
      : [],
    threadIds.length
      ? db
          .selectFrom('harvest_message')
          .select(['thread_id', 'role', 'text', 'permalink'])
          .where('role', 'in', ['question', 'answer'])
          .where('thread_id', 'in', threadIds)
          .execute()
      : [],
  ]);
  return {
    community: new Map<number, Community>(communities.map((c) => [c.id, c])),
    member: new Map<number, Member>(members.map((m) => [m.id, m])),
    question: new Map(questions.filter((q) => q.role === 'question').map((q) => [q.thread_id, q])),
    answer: new Map(questions.filter((q) => q.role === 'answer').map((q) => [q.thread_id, q])),
  };
}

export const search = defineCommand({
  path: ['search'],
  summary: 'Finds harvested answers and shared practices, each with a link to its source',
  details:
    'Your words are matched as words (every word first, then any of them); marked answers and recent items come first. community: a network searches all its communities.',
  examples: ['/cop search volunteers retention', '/cop search "school visits" community:outreach'],
  access: 'everyone',
  args: {
    query: text('the words to look for', { max: 500, label: 'The query' }),
    community: optional(communityOrNetwork('only this community or network'), '[community:<community>]'),
  },
  async run(ctx, { query, community: c }) {
    const outcome = await searchKnowledge(ctx.db, query, { communityId: c ? await scopeOf(ctx.db, c) : undefined, now: ctx.clock.now() });
    const where = c ? ` in ${c.slug}` : '';
    if (outcome.terms.length === 0) {
      return answer(`Nothing found: “${shorten(query, 60)}” has no words to search for. Usage: /cop search <query> [community:<community>]`);
    }
    const hits = bestPerThread(outcome.hits).slice(0, shownResults);
    if (hits.length === 0) {
      return answer(`Nothing found for “${shorten(query, 60)}”${where}. Try other or fewer words, or ask with /cop ask <community> <question>.`);
    }
    const context = await loadHitContext(ctx.db, hits);
    const snippets = {
      harvest: await snippetsFor(
        ctx.db,
        'harvest',
        outcome.match,
        hits.filter((h) => h.source === 'harvest').map((h) => h.id),
      ),
      practice: await snippetsFor(
        ctx.db,
        'practice',
        outcome.match,
        hits.filter((h) => h.source === 'practice').map((h) => h.id),
      ),
    };
    const sections: Section[] = hits.map((hit) => {
      const hitCommunity = context.community.get(hit.communityId);
      const zone = hitCommunity ? zoneOfCommunity(hitCommunity, ctx.settings) : ctx.settings.defaultTimezone;
      const question = hit.threadId === undefined ? undefined : context.question.get(hit.threadId);
      const answerOf = hit.threadId === undefined ? undefined : context.answer.get(hit.threadId);
      const body: RichText = [
        ...(question && hit.role !== 'question' ? rich`Q: ${shorten(question.text, 120)}\n` : []),
        ...snippetSpans(snippets[hit.source].get(hit.id) ?? shorten(hit.text, 200)),
        ...(hit.role === 'question' && answerOf ? rich`\n✅ ${shorten(answerOf.text, 160)}` : []),
        '\n',
        ...sourceLine(hit, context.member.get(hit.memberId), zone, question?.permalink),
      ];
      return { title: `${roleLabel[hit.role]} · ${hitCommunity?.name ?? 'a community'}`, body };
    });
    return answer(rich`Best ${hits.length === 1 ? 'match' : `${hits.length} matches`} for “${shorten(query, 60)}”${where}:`, { sections });
  },
});

export const who = defineCommand({
  path: ['who'],
  summary: 'Finds members who know about a topic, from their answers and practices',
  details:
    'Marked answers count most, then shared practices, then other replies. People with privacy off are never listed. community: a network covers all its communities.',
  examples: ['/cop who volunteers', '/cop who "risk assessment" community:outreach'],
  access: 'everyone',
  args: {
    topic: text('the topic, in a few words', { max: 200, label: 'The topic' }),
    community: optional(communityOrNetwork('only this community or network'), '[community:<community>]'),
  },
  async run(ctx, { topic, community: c }) {
    const scope = c ? await scopeOf(ctx.db, c) : undefined;
    const experts = (await findWhoKnows(ctx.db, topic, { communityId: scope, now: ctx.clock.now() })).slice(0, shownExperts);
    const where = c ? ` in ${c.slug}` : '';
    if (experts.length === 0) {
      return answer(`Nobody found for “${shorten(topic, 60)}”${where} yet. Ask the community with /cop ask <community> <question>.`);
    }
    const context = await loadHitContext(
      ctx.db,
      experts.flatMap((e) => e.contributions.slice(0, 3)),
    );
    const sections: Section[] = experts.map((expert) => {
      const counts = [
        expert.answers ? plural(expert.answers, 'marked answer') : '',
        expert.practices ? plural(expert.practices, 'practice') : '',
        expert.replies ? plural(expert.replies, 'reply', 'replies') : '',
      ].filter(Boolean);
      const lines = expert.contributions.slice(0, 3).map((hit): RichText => {
        const question = hit.threadId === undefined ? undefined : context.question.get(hit.threadId);
        const label =
          hit.role === 'practice' ? 'practice' : `${hit.role === 'answer' ? 'answered' : 'replied to'} “${shorten(question?.text ?? 'a question', 60)}”`;
        const url = hit.permalink ?? question?.permalink;
        return [`• ${label}: ${shorten(hit.text, 100)}`, ...(url ? [' ', link(url, 'source')] : [])];
      });
      return { body: [authorSpan(expert.member), ` — ${counts.join(', ')}\n`, ...joinRich(lines, '\n')] };
    });
    return answer(rich`Who knows about “${shorten(topic, 60)}”${where}, most relevant first. Read more with ${code(`/cop search ${shorten(topic, 40)}`)}.`, {
      sections,
    });
  },
});
