import { countRsvps, listUpcomingEvents } from './events.js';
import { rich, time, type Field, type RichText } from './reply.js';
import type { DigestSectionProvider, StatsFieldProvider } from './report-sections.js';

const day = 86_400_000;
const upcomingDays = 14;
const statsWindowDays = 28;

/** The digest's "Upcoming events": the next two weeks, with RSVP counts and how to answer. */
export const upcomingEventsSection: DigestSectionProvider = async ({ db }, community, window) => {
  const events = (await listUpcomingEvents(db, window.to, community.id, 5)).filter((event) => event.starts_at <= window.to + upcomingDays * day);
  if (events.length === 0) return undefined;
  const lines: RichText[] = [];
  for (const event of events) {
    const counts = await countRsvps(db, event.id);
    lines.push(rich`• #${event.id} ${event.title}, ${time(event.starts_at, event.timezone)}: ${counts.yes} going, ${counts.maybe} maybe. /cop rsvp ${event.id}`);
  }
  return { title: `Upcoming events (${events.length})`, body: lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line])) };
};

/** Stats: how many prompts of the last four weeks drew at least one reply, and the replies they drew. */
export const promptResponseFields: StatsFieldProvider = async ({ db }, community, now) => {
  const posts = await db
    .selectFrom('prompt_post')
    .innerJoin('outbox', 'outbox.id', 'prompt_post.outbox_id')
    .leftJoin('practice', 'practice.prompt_post_id', 'prompt_post.id')
    .select(['prompt_post.id', (eb) => eb.fn.count<number>('practice.id').as('replies')])
    .where('prompt_post.community_id', '=', community.id)
    .where('outbox.status', '=', 'sent')
    .where('prompt_post.occurrence_at', '>', now - statsWindowDays * day)
    .groupBy('prompt_post.id')
    .execute();
  if (posts.length === 0) return [{ label: 'Prompt response rate', value: ['no prompts posted in the last 4 weeks'] }];
  const answered = posts.filter((post) => Number(post.replies) > 0).length;
  const replies = posts.reduce((sum, post) => sum + Number(post.replies), 0);
  const rate = Math.round((answered / posts.length) * 100);
  return [{ label: 'Prompt response rate', value: [`${rate}% (${answered} of ${posts.length} prompts answered in the last 4 weeks, ${replies} ${replies === 1 ? 'reply' : 'replies'})`] }];
};

/** Stats: RSVPs to the events of the last four weeks and the ones to come. */
export const rsvpFields: StatsFieldProvider = async ({ db }, community, now): Promise<readonly Field[]> => {
  const rows = await db
    .selectFrom('event')
    .leftJoin('rsvp', 'rsvp.event_id', 'event.id')
    .select(['event.id', 'rsvp.answer'])
    .where('event.community_id', '=', community.id)
    .where('event.status', '=', 'scheduled')
    .where('event.starts_at', '>', now - statsWindowDays * day)
    .execute();
  const events = new Set(rows.map((row) => row.id)).size;
  if (events === 0) return [{ label: 'RSVPs', value: ['no events in the last 4 weeks or to come'] }];
  const count = (answer: string) => rows.filter((row) => row.answer === answer).length;
  return [{ label: 'RSVPs', value: [`${count('yes')} yes, ${count('maybe')} maybe, ${count('no')} no, over ${events} ${events === 1 ? 'event' : 'events'} (last 4 weeks and upcoming)`] }];
};
