import type { Services } from '../storage/services.js';
import { homeChannels } from '../communities/communities.js';
import { channelRefOf, userRefOf } from '../storage/columns.js';
import { countRsvps, describeMinutes, listAttendees, type RsvpCounts } from './events.js';
import type { ChannelRef } from '../kernel/identity.js';
import { deliverNow, enqueue, enqueueEdit, replaceQueuedReply } from '../delivery/outbox.js';
import { channelKey } from '../rhythms/prompts.js';
import { answer, bold, code, link, rich, time, type Reply, type Span } from '../kernel/reply.js';
import type { Db } from '../storage/database.js';
import type { WeaverEvent } from '../storage/rhythm-schema.js';
import type { Community } from '../storage/schema.js';
import type { CoreSettings } from '../kernel/settings.js';

export function calendarUrlOf(settings: CoreSettings, eventId: number): string | undefined {
  return settings.publicUrl ? `${settings.publicUrl.replace(/\/+$/, '')}/events/${eventId}.ics` : undefined;
}

function whenAndWhere(event: WeaverEvent, settings: CoreSettings): Span[] {
  const minutes = Math.round((event.ends_at - event.starts_at) / 60_000);
  const calendar = calendarUrlOf(settings, event.id);
  return rich`When: ${time(event.starts_at, event.timezone)} (${describeMinutes(minutes)})${event.location ? `\nWhere: ${event.location}` : ''}${calendar ? rich`\n${link(calendar, 'Add to your calendar (.ics)')}` : ''}`;
}

/** The event post in a home channel: details, RSVP counts, and buttons that run `rsvp <id> <answer>` as the clicker. */
export function eventPostReply(event: WeaverEvent, community: Community, counts: RsvpCounts, settings: CoreSettings): Reply {
  if (event.status === 'cancelled') {
    return answer(rich`❌ ${bold(`Cancelled: ${event.title}`)} · ${community.name}\nWas: ${time(event.starts_at, event.timezone)}`, { visibility: 'channel' });
  }
  return answer(rich`📅 ${bold(event.title)} · ${community.name}`, {
    visibility: 'channel',
    sections: [
      { body: whenAndWhere(event, settings) },
      { body: rich`Going: ${counts.yes} yes · ${counts.maybe} maybe · ${counts.no} no. Event #${event.id}: ${code(`/cop rsvp ${event.id} answer:yes`)}` },
    ],
    buttons: [
      { label: `Yes (${counts.yes})`, command: `rsvp ${event.id} yes`, style: 'primary' },
      { label: `Maybe (${counts.maybe})`, command: `rsvp ${event.id} maybe` },
      { label: `No (${counts.no})`, command: `rsvp ${event.id} no` },
    ],
  });
}

export function reminderReply(event: WeaverEvent, community: Community, leadMinutes: number, settings: CoreSettings, personal: boolean): Reply {
  return answer(rich`⏰ ${bold(event.title)} (${community.name}) starts in ${describeMinutes(leadMinutes)}.`, {
    visibility: 'channel',
    sections: [
      { body: whenAndWhere(event, settings) },
      {
        body: personal
          ? rich`You answered this event. Stop these messages with ${code('/cop me reminders off')}.`
          : rich`Coming? ${code(`/cop rsvp ${event.id} answer:yes`)}`,
      },
    ],
  });
}

/** Puts the event post in the outbox for every home channel; returns the outbox keys. Call in the creating transaction. */
export async function enqueueEventPosts(db: Db, event: WeaverEvent, community: Community, settings: CoreSettings, now: number): Promise<string[]> {
  const reply = eventPostReply(event, community, { yes: 0, maybe: 0, no: 0 }, settings);
  const keys: string[] = [];
  for (const home of await homeChannels(db, community.id)) {
    const key = `event:${event.id}:${channelKey(channelRefOf(home))}`;
    const queued = await enqueue(db, { key, target: { channel: channelRefOf(home) }, reply, notBefore: now, expiresAt: event.ends_at }, now);
    if (queued.created) await db.insertInto('event_post').values({ event_id: event.id, outbox_id: queued.id }).execute();
    keys.push(key);
  }
  return keys;
}

/** Tells the home channels, and those who said yes or maybe, that the event is off. */
export async function enqueueCancellation(db: Db, event: WeaverEvent, community: Community, now: number): Promise<string[]> {
  const notice = answer(rich`❌ ${bold(event.title)} (${community.name}), planned for ${time(event.starts_at, event.timezone)}, is cancelled.`, {
    visibility: 'channel',
  });
  const keys: string[] = [];
  for (const home of await homeChannels(db, community.id)) {
    const key = `event-cancelled:${event.id}:${channelKey(channelRefOf(home))}`;
    await enqueue(db, { key, target: { channel: channelRefOf(home) }, reply: notice, notBefore: now, expiresAt: event.ends_at }, now);
    keys.push(key);
  }
  for (const member of await listAttendees(db, event.id, false)) {
    const user = userRefOf(member);
    const key = `event-cancelled-dm:${event.id}:${user.platform}:${user.workspaceId}:${user.userId}`;
    await enqueue(db, { key, target: { user }, reply: notice, notBefore: now, expiresAt: event.ends_at }, now);
    keys.push(key);
  }
  return keys;
}

/**
 * Shows the event's current state in every post of it: queued posts get the new text, sent ones get an edit through
 * the outbox (one row per post, so RSVPs that come while an edit waits fold into that one edit), sent at once.
 */
export async function refreshEventPosts(services: Services, event: WeaverEvent, community: Community): Promise<void> {
  const { db, clock } = services;
  const now = clock.now();
  const reply = eventPostReply(event, community, await countRsvps(db, event.id), services.settings);
  const posts = await db
    .selectFrom('event_post')
    .innerJoin('outbox', 'outbox.id', 'event_post.outbox_id')
    .select(['outbox.id', 'outbox.key', 'outbox.status', 'outbox.platform', 'outbox.workspace_id', 'outbox.channel_id', 'outbox.message_id'])
    .where('event_post.event_id', '=', event.id)
    .execute();
  const edits: string[] = [];
  for (const post of posts) {
    if (post.status === 'pending' && (await replaceQueuedReply(db, post.id, reply))) continue;
    if (post.status !== 'sent' || !post.message_id || !post.channel_id) continue;
    const channel: ChannelRef = { platform: post.platform, workspaceId: post.workspace_id, channelId: post.channel_id };
    const key = `edit:${post.key}`;
    await enqueueEdit(db, { key, channel, messageId: post.message_id, reply, notBefore: now }, now);
    edits.push(key);
  }
  // The RSVP itself is stored; an edit that must wait (a rate limit) is retried by the outbox, never troubling the member.
  await deliverNow(services, edits);
}
