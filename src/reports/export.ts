import { zoneOfCommunity } from '../communities/communities.js';
import { DateTime } from 'luxon';
import type { Services } from '../storage/services.js';
import type { Attachment } from '../kernel/reply.js';
import type { Community, Member } from '../storage/schema.js';
import { formatDate } from '../kernel/time.js';
import { exportSectionProviders, type ExportSectionProvider } from './sections.js';

/** Escapes user text so that Markdown shows it as written: every punctuation mark Markdown reads, and line starts that open blocks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\`*_{}[\]<>#|~&!]/g, '\\$&')
    .replace(/^(\s*)([-+=])/gm, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/gm, '$1$2\\$3');
}

/** One line of user text, for a heading. */
function escapeInline(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return escapeMarkdown(line.length > max ? `${line.slice(0, max - 1)}…` : line);
}

/** Multi-line user text as a list item or paragraph continuation: later lines indented to stay inside. */
function escapeBlock(text: string, indent: string): string {
  return escapeMarkdown(text.trim())
    .split('\n')
    .map((line, i) => (i === 0 || line.trim() === '' ? line : `${indent}${line}`))
    .join('\n');
}

const nameOf = (member: Pick<Member, 'display_name' | 'user_id' | 'privacy_on'> | undefined) =>
  !member || member.privacy_on === 0 ? 'a member' : escapeInline(member.display_name ?? member.user_id, 60);

const linkTo = (url: string | null, label: string) => (url && /^https?:\/\//.test(url) ? ` ([${label}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>))` : '');

function monthOf(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat('LLLL yyyy');
}

function groupByMonth<T>(items: readonly T[], at: (item: T) => number, zone: string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const month = monthOf(at(item), zone);
    groups.set(month, [...(groups.get(month) ?? []), item]);
  }
  return groups;
}

/** The community's domain, practices and harvested Q&A as one Markdown document, grouped by month and dated. */
export async function buildExport(
  services: Services,
  community: Community,
  providers: readonly ExportSectionProvider[] = exportSectionProviders,
): Promise<Attachment> {
  const { db } = services;
  const now = services.clock.now();
  const zone = zoneOfCommunity(community, services.settings);
  const practices = await db.selectFrom('practice').selectAll().where('community_id', '=', community.id).orderBy('created_at').orderBy('id').execute();
  const threads = await db
    .selectFrom('harvest_thread')
    .selectAll()
    .where('community_id', '=', community.id)
    .where('harvested_at', 'is not', null)
    .orderBy('asked_at')
    .orderBy('id')
    .execute();
  const messages = threads.length
    ? await db
        .selectFrom('harvest_message')
        .selectAll()
        .where(
          'thread_id',
          'in',
          threads.map((t) => t.id),
        )
        .orderBy('posted_at')
        .orderBy('id')
        .execute()
    : [];
  const memberIds = [...new Set([...practices.map((p) => p.member_id), ...threads.map((t) => t.asker_member_id), ...messages.map((m) => m.member_id)])];
  const members = new Map((memberIds.length ? await db.selectFrom('member').selectAll().where('id', 'in', memberIds).execute() : []).map((m) => [m.id, m]));

  const out: string[] = [`# ${escapeInline(community.name)} (${community.slug})`, '', `Exported from Weaver on ${formatDate(now, zone)}.`, ''];
  out.push('## Domain', '', community.domain ? escapeBlock(community.domain, '') : '_Not described yet._', '');

  out.push(`## Practices (${practices.length})`, '');
  if (practices.length === 0) out.push('_None shared yet._', '');
  for (const [month, items] of groupByMonth(practices, (p) => p.created_at, zone)) {
    out.push(`### ${month}`, '');
    for (const p of items) {
      out.push(`- **${formatDate(p.created_at, zone)}**, ${nameOf(members.get(p.member_id))}: ${escapeBlock(p.text, '  ')}${linkTo(p.permalink, 'source')}`);
    }
    out.push('');
  }

  out.push(`## Questions and answers (${threads.length})`, '');
  if (threads.length === 0) out.push('_No harvested questions yet._', '');
  for (const [month, items] of groupByMonth(threads, (t) => t.asked_at, zone)) {
    out.push(`### ${month}`, '');
    for (const thread of items) {
      const inThread = messages.filter((m) => m.thread_id === thread.id);
      const question = inThread.find((m) => m.role === 'question');
      const answer = inThread.find((m) => m.role === 'answer');
      const replies = inThread.filter((m) => m.role === 'reply');
      out.push(`#### ${escapeInline(question?.text ?? 'A question')}`, '');
      out.push(`_Asked by ${nameOf(members.get(thread.asker_member_id))} on ${formatDate(thread.asked_at, zone)}_${linkTo(thread.permalink, 'thread')}`, '');
      if (question && question.text.replace(/\s+/g, ' ').trim().length > 160) out.push(escapeBlock(question.text, ''), '');
      if (answer) {
        out.push(`**Answer** (${nameOf(members.get(answer.member_id))}, ${formatDate(answer.posted_at, zone)})${linkTo(answer.permalink, 'source')}:`, '');
        out.push(escapeBlock(answer.text, ''), '');
      }
      if (replies.length) {
        out.push('Other replies:', '');
        for (const r of replies) out.push(`- ${nameOf(members.get(r.member_id))}, ${formatDate(r.posted_at, zone)}: ${escapeBlock(r.text, '  ')}`);
        out.push('');
      }
    }
  }
  const markdown = { inline: escapeInline, block: escapeBlock, name: nameOf, date: (at: number) => formatDate(at, zone) };
  for (const provide of providers) out.push(...(await provide(services, community, markdown)));
  const date = DateTime.fromMillis(now, { zone }).toFormat('yyyy-MM-dd');
  return { filename: `${community.slug}-${date}.md`, content: `${out.join('\n').trimEnd()}\n`, mimeType: 'text/markdown' };
}
