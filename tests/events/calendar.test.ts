import type { Server } from 'node:http';
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { calendarRoutes } from '../../src/events/calendar.js';
import { createHttpServer, listen } from '../../src/app/http.js';
import { silentLog } from '../support/harness.js';
import { createRhythmWorld } from '../support/fixtures.js';

type World = Awaited<ReturnType<typeof createRhythmWorld>>;
let world: World | undefined;
let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  await world?.close();
  server = undefined;
  world = undefined;
});

async function serve(w: World): Promise<string> {
  server = createHttpServer(calendarRoutes(w.services), silentLog);
  const port = await listen(server, 0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

/** Parses iCalendar text with ical.js, registering its VTIMEZONEs so that TZID times resolve. */
function parseEvents(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      zone: event.startDate.zone?.tzid,
      localStart: event.startDate.toString(),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      status: vevent.getFirstPropertyValue('status'),
    };
  });
}

describe('calendars over HTTP', () => {
  it('serves each event as an .ics that parses back with the right start, end and zone', async () => {
    world = await createRhythmWorld({ now: '2027-03-01T10:00:00Z' });
    await world.run('ann', 'event create outreach "Spring debrief" 2027-03-29 09:00 duration:90 where:"Room 4"');
    const base = await serve(world);
    const response = await fetch(`${base}/events/1.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('DTSTART;TZID=Europe/London:20270329T090000');
    expect(parseEvents(text)).toEqual([
      {
        uid: 'event-1@weaver',
        summary: 'Spring debrief',
        location: 'Room 4',
        zone: 'Europe/London',
        localStart: '2027-03-29T09:00:00',
        start: '2027-03-29T08:00:00.000Z',
        end: '2027-03-29T09:30:00.000Z',
        status: 'CONFIRMED',
      },
    ]);
    expect((await fetch(`${base}/events/99.ics`)).status).toBe(404);
  });

  it('serves a subscribable feed per community with its events, cancelled ones marked', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'event create outreach Lunch 2026-12-10 12:30 timezone:America/New_York');
    await world.run('ann', 'event create outreach Crit 2026-12-01 10:00');
    await world.run('ann', 'event cancel 2');
    await world.run('admin', 'create design Design');
    await world.run('admin', 'event create design Other 2026-12-02 10:00');
    const base = await serve(world);
    const feed = parseEvents(await (await fetch(`${base}/communities/outreach/events.ics`)).text());
    expect(feed.map((e) => [e.summary, e.zone, e.start, e.status])).toEqual([
      ['Crit', 'Europe/London', '2026-12-01T10:00:00.000Z', 'CANCELLED'],
      ['Lunch', 'America/New_York', '2026-12-10T17:30:00.000Z', 'CONFIRMED'],
    ]);
    expect((await fetch(`${base}/communities/nobody/events.ics`)).status).toBe(404);
  });
});
