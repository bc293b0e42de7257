import { rich, time, type Field, type RichText, type Section } from '../kernel/reply.js';
import type { Community } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import { countRsvpsOf, listUpcomingEvents } from './events.js';

const day = 86_400_000;
const upcomingDays = 14;
const statsWindowDays = 28;

/** The digest's "Upcoming events": the next two weeks, with RSVP counts and how to answer. */
export async function upcomingEventsSection(services: Services, community: Community, window: { from: number; to: number }): Promise<Section | undefined> {
  return upcomingEventsOf(services, [community.id], window);
}

/** The same across several communities (a network's), each event with its community's slug when there are several. */
export async function upcomingEventsOf({ db }: Services, communityIds: readonly number[], window: { from: number; to: number }): Promise<Section | undefined> {
  const events = (await listUpcomingEvents(db, window.to, communityIds, 5)).filter((event) => event.starts_at <= window.to + upcomingDays * day);
  if (events.length === 0) return undefined;
  const lines: RichText[] = [];
  const countsOf = await countRsvpsOf(
    db,
    events.map((event) => event.id),
  );
  for (const event of events) {
    const counts = countsOf.get(event.id)!;
    lines.push(
      rich`• #${event.id} ${event.title}${communityIds.length > 1 ? ` (${event.community_slug})` : ''}, ${time(event.starts_at, event.timezone)}: ${counts.yes} going, ${counts.maybe} maybe. /cop rsvp ${event.id}`,
    );
  }
  return { title: `Upcoming events (${events.length})`, body: lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line])) };
}

/** Stats: RSVPs to the events of the last four weeks and the ones to come. */
export async function rsvpFields({ db }: Services, community: Community, now: number): Promise<readonly Field[]> {
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
  return [
    {
      label: 'RSVPs',
      value: [
        `${count('yes')} yes, ${count('maybe')} maybe, ${count('no')} no, over ${events} ${events === 1 ? 'event' : 'events'} (last 4 weeks and upcoming)`,
      ],
    },
  ];
}
