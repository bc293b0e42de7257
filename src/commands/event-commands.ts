import { zoneOfCommunity } from '../communities/communities.js';
import { enqueueCancellation, enqueueEventPosts, refreshEventPosts } from '../events/event-posts.js';
import { cancelEvent, countRsvpsOf, createEvent, describeMinutes, listUpcomingEvents, rsvpAnswers, setRemindersOn, setRsvp } from '../events/events.js';
import { deliverNow } from '../delivery/outbox.js';
import { answer, bold, code, refuse, rich, time, type RichText } from '../kernel/reply.js';
import type { Db } from '../storage/database.js';
import { resolveEventStart } from '../events/date-phrases.js';
import { syncEventMirrors } from '../events/event-mirrors.js';
import { choice, communityOrNetwork, integer, optional, text, timezone, withDefault } from './args.js';
import { scopeOf } from '../networks/networks.js';
import { defineCommand } from './define.js';
import { describeChannelDelivery, noHomeChannelHint } from './delivery-text.js';
import { clockTimeArg, dayPhraseArg, eventArg, leadTimesArg } from './event-args.js';

const maxAheadMs = 2 * 366 * 24 * 60 * 60 * 1000;

export const eventCreate = defineCommand({
  path: ['event', 'create'],
  summary: 'Creates an event, posted with RSVP buttons and reminders',
  details:
    'Quotes around the title are optional. The date may be YYYY-MM-DD or as people write it (tomorrow, next tue, 10 Dec, friday; left out, today) and the time HH:MM or 3pm; the answer states the date and time understood. Duration is in minutes (default 60); reminders are lead times in m, h or d (default 1d,1h; none for no reminders). On Slack, /cop event create alone opens a form.',
  examples: [
    '/cop event create outreach "Taster day debrief" 2026-12-03 14:00 duration:90 where:https://meet.example/abc',
    '/cop event create outreach Lunch and learn 2026-12-10 12:30 reminders:2h',
    '/cop event create outreach Show and tell next tue 2pm',
    '/cop event create outreach Coffee chat tomorrow 15:00',
  ],
  access: 'coordinator',
  args: {
    community: communityOrNetwork(),
    title: text('the event’s title', { max: 200, label: 'The title' }),
    date: dayPhraseArg('the day: YYYY-MM-DD, tomorrow, next tue, 10 Dec, friday'),
    time: clockTimeArg('the start: HH:MM on the 24-hour clock, or 3pm'),
    duration: withDefault(integer('length in minutes (default 60)', { min: 5, max: 24 * 60, label: 'The duration' }), 60, '[duration:<minutes>]'),
    timezone: optional(timezone('an IANA time zone; the community’s by default'), '[timezone:<IANA zone>]'),
    where: optional(text('a place or a URL', { max: 300, label: 'The place' }), '[where:<place or URL>]'),
    reminders: withDefault(leadTimesArg('lead times such as 1d,1h (default), or none'), [24 * 60, 60], '[reminders:<lead times>]'),
  },
  async run(ctx, args) {
    const c = args.community;
    const zone = args.timezone ?? zoneOfCommunity(c, ctx.settings);
    const now = ctx.clock.now();
    const usage =
      'Usage: /cop event create <community> <title> <date> <time> [duration:<minutes>] [timezone:<IANA zone>] [where:<place or URL>] [reminders:<lead times>]';
    const start = resolveEventStart(args.date.phrase, args.time, zone, now);
    if (!start.ok) return refuse('BadInput', `${start.problem} ${usage}`);
    const startsAt = start.startsAt;
    if (startsAt - now > maxAheadMs) return refuse('BadInput', `An event can be planned up to two years ahead. ${usage}`);
    const member = await ctx.callerMember();
    const { event, keys } = await ctx.db.transaction().execute(async (trx) => {
      const created = await createEvent(
        trx,
        {
          communityId: c.id,
          title: args.title,
          startsAt,
          durationMinutes: args.duration,
          timezone: zone,
          location: args.where,
          leadMinutes: args.reminders,
          createdBy: member.id,
        },
        now,
      );
      return { event: created, keys: await enqueueEventPosts(trx, created, c, ctx.settings, now) };
    });
    const delivered = await deliverNow(ctx, keys);
    await syncEventMirrors(ctx, event, c);
    const reminders = args.reminders.length ? `reminders ${args.reminders.map(describeMinutes).join(' and ')} before` : 'no reminders';
    return answer(rich`Created event #${event.id}: ${bold(event.title)} on ${time(event.starts_at, zone)} (${describeMinutes(args.duration)}), ${reminders}.`, {
      sections: [{ body: keys.length ? rich`The event post (with RSVP buttons): ${describeChannelDelivery(delivered)}.` : noHomeChannelHint(c, 'events') }],
    });
  },
});

export const events = defineCommand({
  // Under `event` so that /cop fits Discord's 25 subcommands and groups; `events` stays the short form on Slack and the console.
  path: ['event', 'list'],
  aliases: [['events']],
  summary: 'Lists upcoming events, soonest first, with their ids (also /cop events)',
  details: 'Given a network, it lists the events of all its communities.',
  examples: ['/cop events', '/cop event list community:outreach'],
  access: 'everyone',
  args: { community: optional(communityOrNetwork('only this community or network'), '[community:<community>]') },
  async run(ctx, { community: c }) {
    const upcoming = await listUpcomingEvents(ctx.db, ctx.clock.now(), c ? await scopeOf(ctx.db, c) : undefined);
    if (upcoming.length === 0) return answer(`No upcoming events${c ? ` in ${c.slug}` : ''}. Coordinators plan one with /cop event create.`);
    const countsOf = await countRsvpsOf(
      ctx.db,
      upcoming.map((event) => event.id),
    );
    const sections = await Promise.all(
      upcoming.map(async (event) => {
        const counts = countsOf.get(event.id)!;
        return {
          title: `#${event.id} ${event.title} (${event.community_slug})`,
          body: rich`${time(event.starts_at, event.timezone)}${event.location ? ` · ${event.location}` : ''} · ${counts.yes} yes, ${counts.maybe} maybe`,
        };
      }),
    );
    return answer(
      rich`${upcoming.length} upcoming ${upcoming.length === 1 ? 'event' : 'events'}. Answer with ${code('/cop rsvp <event> answer:yes|maybe|no')}.`,
      { sections },
    );
  },
});

export const eventCancel = defineCommand({
  path: ['event', 'cancel'],
  summary: 'Cancels an event and tells the channel and those who said yes or maybe',
  examples: ['/cop event cancel 12'],
  access: 'coordinator',
  args: { event: eventArg() },
  async run(ctx, { event }) {
    const c = await ctx.db.selectFrom('community').selectAll().where('id', '=', event.community_id).executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    if (event.status === 'cancelled') return refuse('AlreadyCancelled', `Event #${event.id} is already cancelled.`);
    if (event.ends_at <= now) return refuse('EventOver', `Event #${event.id} has already taken place.`);
    const keys = await ctx.db.transaction().execute(async (trx) => ((await cancelEvent(trx, event.id, now)) ? enqueueCancellation(trx, event, c, now) : []));
    await refreshEventPosts(ctx, { ...event, status: 'cancelled' }, c);
    await syncEventMirrors(ctx, { ...event, status: 'cancelled' }, c);
    const delivered = await deliverNow(ctx, keys);
    const told = delivered.filter((row) => row.user_id !== null).length;
    const channels = describeChannelDelivery(delivered);
    return answer(
      rich`Cancelled event #${event.id}, ${bold(event.title)}. ${told} ${told === 1 ? 'person who said yes or maybe was' : 'people who said yes or maybe were'} told by direct message${channels.length ? rich`; the notice was ${channels}` : ''}.`,
    );
  },
});

export const rsvp = defineCommand({
  path: ['event', 'rsvp'],
  aliases: [['rsvp']],
  summary: 'Answers an event: yes (default), maybe or no (also /cop rsvp)',
  examples: ['/cop rsvp 12', '/cop event rsvp 12 answer:maybe'],
  access: 'everyone',
  args: { event: eventArg(), answer: withDefault(choice(rsvpAnswers, 'yes (default), maybe or no'), 'yes', '[answer:yes|maybe|no]') },
  async run(ctx, { event, answer: reply }) {
    const now = ctx.clock.now();
    if (event.status === 'cancelled') return refuse('EventCancelled', `Event #${event.id}, ${event.title}, is cancelled.`);
    if (event.ends_at <= now) return refuse('EventOver', `Event #${event.id}, ${event.title}, has already taken place.`);
    const member = await ctx.callerMember();
    await setRsvp(ctx.db, event.id, member.id, reply, now);
    const c = await ctx.db.selectFrom('community').selectAll().where('id', '=', event.community_id).executeTakeFirstOrThrow();
    await refreshEventPosts(ctx, event, c);
    const reminderNote =
      reply === 'no'
        ? ''
        : member.reminders_on
          ? ' You will get reminders by direct message (/cop me reminders off stops them).'
          : ' Reminders by direct message are off for you (/cop me reminders on).';
    return answer(rich`You said ${bold(reply)} to #${event.id}, ${bold(event.title)}, on ${time(event.starts_at, event.timezone)}.${reminderNote}`);
  },
});

export const meReminders = defineCommand({
  path: ['me', 'reminders'],
  aliases: [['reminders']],
  summary: 'Turns event reminders by direct message on or off',
  examples: ['/cop me reminders off', '/cop reminders on'],
  access: 'everyone',
  args: { setting: choice(['on', 'off'], 'on or off') },
  async run(ctx, { setting }) {
    const member = await ctx.callerMember();
    await setRemindersOn(ctx.db, member.id, setting === 'on');
    return answer(
      setting === 'on'
        ? 'Event reminders by direct message are on, for events you answered yes or maybe.'
        : 'Event reminders by direct message are off. Reminders in home channels still appear; /cop me reminders on brings them back.',
    );
  },
});

/** For `info`: the next event of a community, if any. */
export async function describeNextEvent(db: Db, now: number, communityId: number): Promise<RichText | undefined> {
  return describeNextEvents(db, now, [communityId], 1);
}

/** For a network's `info`: the next events across its communities, one a line, with the community's slug. */
export async function describeNextEvents(db: Db, now: number, communityIds: readonly number[], limit: number): Promise<RichText | undefined> {
  const upcoming = await listUpcomingEvents(db, now, communityIds, limit);
  if (upcoming.length === 0) return undefined;
  const lines = upcoming.map((next) => rich`#${next.id} ${next.title}, ${time(next.starts_at, next.timezone)}${limit > 1 ? ` (${next.community_slug})` : ''}`);
  return lines.flatMap((line, i) => (i === 0 ? line : ['\n', ...line]));
}
