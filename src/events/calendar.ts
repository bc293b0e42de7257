import ical, { ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { Services } from '../storage/services.js';
import { findCommunityBySlug } from '../communities/communities.js';
import { communitiesOfNetwork, isNetwork } from '../networks/networks.js';
import { calendarUrlOf } from './event-posts.js';
import { findEvent, listCommunityEvents } from './events.js';
import type { Route } from '../kernel/routes.js';
import type { WeaverEvent } from '../storage/rhythm-schema.js';
import type { Community } from '../storage/schema.js';
import type { CoreSettings } from '../kernel/settings.js';

// A subscribed feed keeps recent history, so that a calendar app shows what was on last month too.
const feedHistoryMs = 90 * 24 * 60 * 60 * 1000;

function createCalendar(name: string): ICalCalendar {
  const calendar = ical({ name, prodId: { company: 'Weaver', product: 'Weaver', language: 'EN' } });
  // VTIMEZONE blocks let calendar apps (and ical.js) read each DTSTART;TZID as the zone's wall-clock time.
  calendar.timezone({ name: null, generator: (zone) => tzlib_get_ical_block(zone)[0] ?? null });
  return calendar;
}

function addEvent(calendar: ICalCalendar, event: WeaverEvent, community: Community, settings: CoreSettings): void {
  calendar.createEvent({
    id: `event-${event.id}@weaver`,
    // Luxon times in the event's zone make ical-generator write the zone's wall-clock time with its TZID.
    start: DateTime.fromMillis(event.starts_at, { zone: event.timezone }),
    end: DateTime.fromMillis(event.ends_at, { zone: event.timezone }),
    timezone: event.timezone,
    stamp: new Date(event.updated_at),
    summary: event.title,
    description: `${community.name}: RSVP with /cop rsvp ${event.id} answer:yes`,
    location: event.location,
    url: calendarUrlOf(settings, event.id) ?? null,
    status: event.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    sequence: event.status === 'cancelled' ? 1 : 0,
  });
}

export function renderEventCalendar(event: WeaverEvent, community: Community, settings: CoreSettings): string {
  const calendar = createCalendar(`${event.title} (${community.name})`);
  addEvent(calendar, event, community, settings);
  return calendar.toString();
}

/** A community's feed; a network's covers its communities, each event described with its own community. */
export function renderCommunityCalendar(
  community: Community,
  events: readonly WeaverEvent[],
  settings: CoreSettings,
  communities: ReadonlyMap<number, Community> = new Map(),
): string {
  const calendar = createCalendar(`${community.name} events`);
  for (const event of events) addEvent(calendar, event, communities.get(event.community_id) ?? community, settings);
  return calendar.toString();
}

/** `GET /events/<id>.ics` and `GET /communities/<slug>/events.ics`. */
export function calendarRoutes(services: Services): Route[] {
  const send = (response: Parameters<Route['handle']>[1], status: number, body: string, filename?: string) => {
    const headers: Record<string, string> =
      status === 200 ? { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'max-age=300' } : { 'content-type': 'text/plain; charset=utf-8' };
    if (filename) headers['content-disposition'] = `inline; filename="${filename}"`;
    response.writeHead(status, headers).end(body);
  };
  return [
    {
      method: 'GET',
      path: /^\/events\/(\d{1,9})\.ics$/,
      async handle(_request, response, [id]) {
        const event = await findEvent(services.db, Number(id));
        const community = event && (await services.db.selectFrom('community').selectAll().where('id', '=', event.community_id).executeTakeFirst());
        if (!event || !community) return send(response, 404, 'No such event\n');
        send(response, 200, renderEventCalendar(event, community, services.settings), `event-${event.id}.ics`);
      },
    },
    {
      method: 'GET',
      path: /^\/communities\/([a-z0-9-]{2,32})\/events\.ics$/,
      async handle(_request, response, [slug]) {
        const community = await findCommunityBySlug(services.db, slug ?? '');
        if (!community) return send(response, 404, 'No such community\n');
        const since = services.clock.now() - feedHistoryMs;
        const members = isNetwork(community) ? await communitiesOfNetwork(services.db, community.id) : [];
        const events = (await listCommunityEvents(services.db, [community.id, ...members.map((c) => c.id)])).filter((event) => event.ends_at >= since);
        const byId = new Map(members.map((c) => [c.id, c]));
        send(response, 200, renderCommunityCalendar(community, events, services.settings, byId), `${community.slug}-events.ics`);
      },
    },
  ];
}
