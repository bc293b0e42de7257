import type { Services } from '../storage/services.js';
import { homeChannels, zoneOfCommunity } from '../communities/communities.js';
import { channelRefOf } from '../storage/columns.js';
import { shorten } from '../harvest/posts.js';
import type { ChannelRef } from '../kernel/identity.js';
import { authorSpan } from '../harvest/knowledge-render.js';
import { answer, bold, link, rich, type RichText, type Reply, type Section } from '../kernel/reply.js';
import { digestSectionProviders, type DigestSectionProvider, type DigestWindow } from './sections.js';
import { enqueue } from '../delivery/outbox.js';
import { channelKey } from '../rhythms/prompts.js';
import { downtimeGraceOf, findRhythm } from '../rhythms/rhythms.js';
import type { Community } from '../storage/schema.js';
import { formatDate } from '../kernel/time.js';
import { DateTime } from 'luxon';
import { communitiesOfNetwork, isNetwork } from '../networks/networks.js';
import { plural } from '../kernel/words.js';
import { upcomingEventsOf } from '../events/event-report.js';

const day = 86_400_000;
export const digestPeriodMs = 7 * day;
// Open questions stay in the digest for a month: older ones have usually been answered elsewhere.
const openQuestionAgeMs = 30 * day;
const listed = 5;

export type Digest = Readonly<{ reply: Reply; empty: boolean; counts: { practices: number; answered: number; open: number } }>;

/** The last 7 days of a community: practices shared, questions answered, questions still open, and what providers add. */
export async function buildDigest(
  services: Services,
  community: Community,
  providers: readonly DigestSectionProvider[] = digestSectionProviders,
): Promise<Digest> {
  if (isNetwork(community)) return buildNetworkDigest(services, community);
  const now = services.clock.now();
  const window: DigestWindow = { from: now - digestPeriodMs, to: now };
  const zone = zoneOfCommunity(community, services.settings);
  const { practices, answered, open } = await digestActivity(services, community.id, window);

  const sections: Section[] = [];
  if (practices.length) {
    const lines = practices
      .slice(0, listed)
      .map((p): RichText => [
        `• ${shorten(p.text, 140)} — `,
        authorSpan(p),
        `, ${formatDate(p.created_at, zone)}`,
        ...(p.permalink ? [' ', link(p.permalink, 'source')] : []),
      ]);
    sections.push({ title: `Practices shared (${practices.length})`, body: joinLines(lines, practices.length) });
  }
  if (answered.length) {
    const lines = answered
      .slice(0, listed)
      .map((t): RichText => ['• ', questionLink(t.question, t.answer_link ?? t.permalink), ...(t.answer ? [`\n   ✅ ${shorten(t.answer, 140)}`] : [])]);
    sections.push({ title: `Questions answered (${answered.length})`, body: joinLines(lines, answered.length) });
  }
  if (open.length) {
    const lines = open.slice(0, listed).map((t): RichText => ['• ', questionLink(t.question, t.permalink), ` (asked ${formatDate(t.asked_at, zone)})`]);
    sections.push({ title: `Questions still open (${open.length})`, body: joinLines(lines, open.length) });
  }
  const provided: Section[] = [];
  for (const provide of providers) {
    const section = await provide(services, community, window);
    if (section) provided.push(section);
  }
  sections.push(...provided);

  const counts = { practices: practices.length, answered: answered.length, open: open.length };
  const empty = sections.length === 0;
  const intro = rich`${bold(`${community.name}: the last 7 days`)} (${formatDate(window.from, zone)} to ${formatDate(now, zone)})`;
  const body = empty ? rich`${intro}\nA quiet week: no practices shared and no questions. Share one with /cop share ${community.slug} <text>.` : intro;
  return { reply: answer(body, { sections }), empty, counts };
}

async function digestQuestions(services: Services, communityId: number, window: DigestWindow) {
  const db = services.db;

  const threads = db
    .selectFrom('harvest_thread as t')
    .leftJoin('harvest_message as q', (join) => join.onRef('q.thread_id', '=', 't.id').on('q.role', '=', 'question'))
    .leftJoin('harvest_message as a', (join) => join.onRef('a.thread_id', '=', 't.id').on('a.role', '=', 'answer'))
    .select(['t.id', 't.permalink', 't.asked_at', 't.harvested_at', 'q.text as question', 'a.text as answer', 'a.permalink as answer_link'])
    .where('t.community_id', '=', communityId);
  const answered = await threads.where('t.harvested_at', '>', window.from).where('t.harvested_at', '<=', window.to).orderBy('t.harvested_at', 'desc').execute();
  const open = await threads
    .where('t.harvested_at', 'is', null)
    .where('t.asked_at', '>', window.to - openQuestionAgeMs)
    .orderBy('t.asked_at', 'desc')
    .execute();
  return { answered, open };
}

async function buildNetworkDigest(services: Services, network: Community): Promise<Digest> {
  const now = services.clock.now();
  const window: DigestWindow = { from: now - digestPeriodMs, to: now };
  const zone = zoneOfCommunity(network, services.settings);
  const communities = [network, ...(await communitiesOfNetwork(services.db, network.id))];
  const counts = { practices: 0, answered: 0, open: 0 };
  const sections: Section[] = [];
  for (const community of communities) {
    const { practices, answered, open } = await digestActivity(services, community.id, window);
    counts.practices += practices.length;
    counts.answered += answered.length;
    counts.open += open.length;
    if (practices.length + answered.length + open.length === 0) continue;
    // One highlight of each kind: the network's post stays short however many communities it has.
    const tally = [
      practices.length ? plural(practices.length, 'practice') + ' shared' : '',
      answered.length ? plural(answered.length, 'question') + ' answered' : '',
      open.length ? `${open.length} still open` : '',
    ].filter(Boolean);
    const lines: RichText[] = [[tally.join(' · ')]];
    const practice = practices[0];
    if (practice)
      lines.push([`• ${shorten(practice.text, 140)} — `, authorSpan(practice), ...(practice.permalink ? [' ', link(practice.permalink, 'source')] : [])]);
    const solved = answered[0];
    if (solved) lines.push(['✅ ', questionLink(solved.question, solved.answer_link ?? solved.permalink)]);
    const waiting = open[0];
    if (waiting) lines.push(['❓ ', questionLink(waiting.question, waiting.permalink), ` (asked ${formatDate(waiting.asked_at, zone)})`]);
    const title = community.id === network.id ? `${network.name} itself` : `${community.name} (${community.slug})`;
    sections.push({ title, body: lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line])) });
  }
  const events = await upcomingEventsOf(
    services,
    communities.map((c) => c.id),
    window,
  );
  if (events) sections.push(events);
  const empty = sections.length === 0;
  const intro = rich`${bold(`${network.name}: the last 7 days across its ${plural(communities.length - 1, 'community', 'communities')}`)} (${formatDate(window.from, zone)} to ${formatDate(now, zone)})`;
  const body = empty ? rich`${intro}\nA quiet week in every community of the network.` : intro;
  return { reply: answer(body, { sections }), empty, counts };
}

/** The practices shared, questions answered and questions still open of one community in the window. */
async function digestActivity(services: Services, communityId: number, window: DigestWindow) {
  const db = services.db;
  const practices = await db
    .selectFrom('practice')
    .innerJoin('member', 'member.id', 'practice.member_id')
    .selectAll('member')
    .select(['practice.text', 'practice.permalink', 'practice.created_at'])
    .where('practice.community_id', '=', communityId)
    .where('practice.created_at', '>', window.from)
    .where('practice.created_at', '<=', window.to)
    .orderBy('practice.created_at', 'desc')
    .execute();
  return { practices, ...(await digestQuestions(services, communityId, window)) };
}

function questionLink(question: string | null, url: string | null): RichText[number] {
  const label = shorten(question ?? 'a question', 120);
  return url ? link(url, label) : label;
}

function joinLines(lines: readonly RichText[], total: number): RichText {
  const more = total > lines.length ? [`\n…and ${total - lines.length} more`] : [];
  return [...lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line])), ...more];
}

export type DigestDelivery = (channel: ChannelRef, reply: Reply) => Promise<void>;

/** When this week's digest is due: Monday 09:00 in the community's zone, the latest one not after `now`. */
export function weeklyDigestDueAt(now: number, zone: string): number {
  const monday = DateTime.fromMillis(now, { zone }).startOf('week').set({ hour: 9 });
  return (monday.toMillis() > now ? monday.minus({ weeks: 1 }) : monday).toMillis();
}

const digestsPerTick = 50;

/**
 * One scheduler tick: posts the weekly digest of each community that has it on, on Monday at 09:00 its time (or
 * within DOWNTIME_GRACE after, when Weaver was down then; a later one waits for the next week). Each community's
 * due time is a column, moved on a week (claimed) before the digest is built, so two processes never post it twice
 * and a tick reads only the few that are due, however many communities there are.
 */
export async function postWeeklyDigests(
  services: Services,
  options: { deliver: DigestDelivery; isDue?: (community: Community) => Promise<boolean> },
): Promise<number> {
  const { db, settings } = services;
  const now = services.clock.now();
  const unscheduled = await db.selectFrom('community').selectAll().where('digest_due_at', 'is', null).limit(200).execute();
  for (const community of unscheduled) {
    const dueAt = weeklyDigestDueAt(now, zoneOfCommunity(community, settings));
    await db.updateTable('community').set({ digest_due_at: dueAt }).where('id', '=', community.id).where('digest_due_at', 'is', null).execute();
  }
  const due = await db.selectFrom('community').selectAll().where('digest_due_at', '<=', now).orderBy('digest_due_at').limit(digestsPerTick).execute();
  let posted = 0;
  for (const community of due) {
    const dueAt = community.digest_due_at!;
    const zone = zoneOfCommunity(community, settings);
    const claimed = await db
      .updateTable('community')
      .set({ digest_due_at: DateTime.fromMillis(dueAt, { zone }).plus({ weeks: 1 }).toMillis(), digest_posted_at: now })
      .where('id', '=', community.id)
      .where('digest_due_at', '=', dueAt)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const wanted = community.digest_on === 1 && community.status !== 'dormant' && community.status !== 'closed';
    if (!wanted || now - dueAt > downtimeGraceOf(settings)) continue;
    const homes = await homeChannels(db, community.id);
    if (homes.length === 0 || (options.isDue && !(await options.isDue(community)))) continue;
    const digest = await buildDigest(services, community);
    if (digest.empty) continue;
    for (const home of homes) {
      try {
        await options.deliver(channelRefOf(home), { ...digest.reply, visibility: 'channel' });
        posted++;
      } catch (error) {
        services.log.warn({ err: error, community: community.slug }, 'could not post the weekly digest');
      }
    }
  }
  return posted;
}

export async function setWeeklyDigest(services: Services, communityId: number, on: boolean): Promise<void> {
  await services.db
    .updateTable('community')
    .set({ digest_on: on ? 1 : 0, updated_at: services.clock.now() })
    .where('id', '=', communityId)
    .execute();
}

/** The scheduler's weekly digest job: communities with a rhythm, and networks, get theirs through the outbox, once a week. */
export async function enqueueWeeklyDigests(services: Services, now: number): Promise<string[]> {
  const keys: string[] = [];
  await postWeeklyDigests(services, {
    // A network has no rhythm of its own: its digest is due whenever it has a home channel.
    isDue: async (community) => isNetwork(community) || (await findRhythm(services.db, community.id))?.next_run_at != null,
    deliver: async (channel, reply) => {
      const key = `digest:${channelKey(channel)}:${now}`;
      await enqueue(services.db, { key, target: { channel }, reply, notBefore: now, expiresAt: now + day }, now);
      keys.push(key);
    },
  });
  return keys;
}
