import { userRefOf } from '../storage/columns.js';
import { bold, link, mention, type RichText, type Span } from '../kernel/reply.js';
import { snippetClose, snippetOpen, type KnowledgeHit } from './search.js';
import type { Member } from '../storage/schema.js';
import { formatDate } from '../kernel/time.js';

/** Someone with privacy off is never named in what the bot shows, even for what was harvested before. */
export function authorSpan(member: Member | undefined): Span {
  if (!member || member.privacy_on === 0) return 'a member';
  return mention(userRefOf(member), member.display_name);
}

/** An FTS5 snippet as rich text: the matched words in bold. */
export function snippetSpans(snippet: string): Span[] {
  const spans: Span[] = [];
  for (const part of snippet.split(snippetOpen)) {
    const close = part.indexOf(snippetClose);
    if (close < 0) {
      if (part) spans.push(part.replaceAll(snippetClose, ''));
      continue;
    }
    if (close > 0) spans.push(bold(part.slice(0, close)));
    const rest = part.slice(close + 1).replaceAll(snippetClose, '');
    if (rest) spans.push(rest);
  }
  return spans;
}

export const roleLabel: Record<KnowledgeHit['role'], string> = {
  answer: '✅ Answer',
  question: 'Question',
  reply: 'Reply',
  practice: 'Practice',
};

/** The line under a hit: who, when, and the link to its source. */
const authorship: Record<KnowledgeHit['role'], string> = { question: 'asked by', answer: 'answered by', reply: 'a reply by', practice: 'shared by' };

export function sourceLine(hit: KnowledgeHit, author: Member | undefined, zone: string, fallbackLink?: string | null): RichText {
  const url = hit.permalink ?? fallbackLink ?? undefined;
  return [`— ${authorship[hit.role]} `, authorSpan(author), `, ${formatDate(hit.at, zone)}`, ...(url ? [' · ', link(url, 'source')] : [])];
}
