import { DateTime } from 'luxon';
import { parseDuration } from '../kernel/duration.js';
import type { Db } from '../storage/database.js';
import type { RsvpAnswer, WeaverEvent } from '../storage/rhythm-schema.js';
import type { Member } from '../storage/schema.js';

export const rsvpAnswers = ['yes', 'maybe', 'no'] as const;

const unitMinutes = { m: 1, h: 60, d: 24 * 60 } as const;
const maxLeadMinutes = 30 * 24 * 60;

/** Reads lead times such as `1d,1h` or `30m` (or `none`) into minutes, longest first. */
export function parseLeadTimes(text: string): { ok: true; minutes: number[] } | { ok: false; problem: string } {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'none' || trimmed === 'off') return { ok: true, minutes: [] };
  const minutes: number[] = [];
  for (const part of trimmed.split(/[,\s]+/).filter(Boolean)) {
    const ms = parseDuration(part, { min: 60_000, max: maxLeadMinutes * 60_000 });
    const value = ms === undefined ? 0 : ms / 60_000;
    if (!value) {
      return {
        ok: false,
        problem: `“${part.slice(0, 20)}” is not a lead time; use a number and m, h or d (up to 30d), e.g. reminders:1d,1h or reminders:none.`,
      };
    }
    if (!minutes.includes(value)) minutes.push(value);
  }
  if (minutes.length > 5) return { ok: false, problem: 'An event has at most 5 reminders.' };
  return { ok: true, minutes: minutes.sort((a, b) => b - a) };
}

/** `1d`, `1h`, `90m`: the shortest exact way to write a lead time. */
export function formatLeadTime(minutes: number): string {
  if (minutes % unitMinutes.d === 0) return `${minutes / unitMinutes.d}d`;
  if (minutes % unitMinutes.h === 0) return `${minutes / unitMinutes.h}h`;
  return `${minutes}m`;
}

/** "1 day", "2 hours", "30 minutes": a lead time or a duration in words. */
export function describeMinutes(minutes: number): string {
  const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}

export function leadTimesOf(event: WeaverEvent): number[] {
  const parsed = parseLeadTimes(event.reminders || 'none');
  return parsed.ok ? parsed.minutes : [];
}

export type NewEvent = Readonly<{
  communityId: number;
  title: string;
  startsAt: number;
  durationMinutes: number;
  timezone: string;
  location?: string;
  leadMinutes: readonly number[];
  createdBy: number;
}>;

/** Stores an event and the reminders still ahead of it. Call inside a transaction with the posts it enqueues. */
export async function createEvent(db: Db, event: NewEvent, now: number): Promise<WeaverEvent> {
  const created = await db
    .insertInto('event')
    .values({
      community_id: event.communityId,
      title: event.title,
      starts_at: event.startsAt,
      ends_at: event.startsAt + event.durationMinutes * 60_000,
      timezone: event.timezone,
      location: event.location ?? null,
      reminders: event.leadMinutes.map(formatLeadTime).join(','),
      created_by: event.createdBy,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const ahead = event.leadMinutes.map((lead) => ({ lead, dueAt: reminderDueAt(event.startsAt, event.timezone, lead) })).filter(({ dueAt }) => dueAt > now);
  if (ahead.length) {
    await db
      .insertInto('event_reminder')
      .values(ahead.map(({ lead, dueAt }) => ({ event_id: created.id, lead_minutes: lead, due_at: dueAt })))
      .execute();
  }
  return created;
}

/** A lead time in whole days is counted on the calendar of the event's zone: "1d" before 14:00 is 14:00 the day before, across a clock change too. */
export function reminderDueAt(startsAt: number, zone: string, leadMinutes: number): number {
  const start = DateTime.fromMillis(startsAt, { zone });
  const days = Math.floor(leadMinutes / 1440);
  return start
    .minus({ days })
    .minus({ minutes: leadMinutes - days * 1440 })
    .toMillis();
}

export async function findEvent(db: Db, id: number): Promise<WeaverEvent | undefined> {
  return db.selectFrom('event').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Events not yet over, soonest first; of one community, several (a network's), or all. */
export async function listUpcomingEvents(
  db: Db,
  now: number,
  communityId?: number | readonly number[],
  limit = 25,
): Promise<(WeaverEvent & { community_slug: string })[]> {
  let query = db
    .selectFrom('event')
    .innerJoin('community', 'community.id', 'event.community_id')
    .selectAll('event')
    .select('community.slug as community_slug')
    .where('event.status', '=', 'scheduled')
    .where('event.ends_at', '>', now)
    .orderBy('event.starts_at')
    .orderBy('event.id')
    .limit(limit);
  if (typeof communityId === 'number') query = query.where('event.community_id', '=', communityId);
  else if (communityId !== undefined) {
    if (communityId.length === 0) return [];
    query = query.where('event.community_id', 'in', communityId);
  }
  return query.execute();
}

export async function listCommunityEvents(db: Db, communityId: number | readonly number[]): Promise<WeaverEvent[]> {
  const ids = typeof communityId === 'number' ? [communityId] : communityId;
  if (ids.length === 0) return [];
  return db.selectFrom('event').selectAll().where('community_id', 'in', ids).orderBy('starts_at').execute();
}

/** `source` marks an RSVP that came from a platform's "Interested" button; an answer given to Weaver clears it. */
export async function setRsvp(db: Db, eventId: number, memberId: number, answer: RsvpAnswer, now: number, source: string | null = null): Promise<void> {
  await db
    .insertInto('rsvp')
    .values({ event_id: eventId, member_id: memberId, answer, updated_at: now, source })
    .onConflict((oc) => oc.columns(['event_id', 'member_id']).doUpdateSet({ answer, updated_at: now, source }))
    .execute();
}

export type RsvpCounts = Record<RsvpAnswer, number>;

export async function countRsvps(db: Db, eventId: number): Promise<RsvpCounts> {
  return (await countRsvpsOf(db, [eventId])).get(eventId) ?? { yes: 0, maybe: 0, no: 0 };
}

/** The RSVP counts of several events in one query: every event given has an entry. */
export async function countRsvpsOf(db: Db, eventIds: readonly number[]): Promise<ReadonlyMap<number, RsvpCounts>> {
  const counts = new Map<number, RsvpCounts>(eventIds.map((id) => [id, { yes: 0, maybe: 0, no: 0 }]));
  if (eventIds.length === 0) return counts;
  const rows = await db
    .selectFrom('rsvp')
    .select(['event_id', 'answer', (eb) => eb.fn.countAll<number>().as('count')])
    .where('event_id', 'in', eventIds)
    .groupBy(['event_id', 'answer'])
    .execute();
  for (const row of rows) counts.get(row.event_id)![row.answer] = Number(row.count);
  return counts;
}

/** Who said yes or maybe; with `remindersOnly`, only those who still want reminders by direct message. */
export async function listAttendees(db: Db, eventId: number, remindersOnly: boolean): Promise<(Member & { answer: RsvpAnswer })[]> {
  let query = db
    .selectFrom('rsvp')
    .innerJoin('member', 'member.id', 'rsvp.member_id')
    .selectAll('member')
    .select('rsvp.answer')
    .where('rsvp.event_id', '=', eventId)
    .where('rsvp.answer', 'in', ['yes', 'maybe'])
    .orderBy('rsvp.updated_at');
  if (remindersOnly) query = query.where('member.reminders_on', '=', 1);
  return query.execute();
}

/** Marks the event cancelled and its pending reminders done; false when it was already cancelled. */
export async function cancelEvent(db: Db, eventId: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('event')
    .set({ status: 'cancelled', updated_at: now })
    .where('id', '=', eventId)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db.updateTable('event_reminder').set({ done_at: now, outcome: 'cancelled' }).where('event_id', '=', eventId).where('done_at', 'is', null).execute();
  return true;
}

export async function setRemindersOn(db: Db, memberId: number, on: boolean): Promise<void> {
  await db
    .updateTable('member')
    .set({ reminders_on: on ? 1 : 0 })
    .where('id', '=', memberId)
    .execute();
}

/** Events of these communities that started from `since` and were over by `until` (cancelled ones never count). */
export async function countEventsHeld(db: Db, communityIds: readonly number[], since: number, until: number): Promise<number> {
  if (communityIds.length === 0 || until < since) return 0;
  const row = await db
    .selectFrom('event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', 'in', communityIds)
    .where('status', '=', 'scheduled')
    .where('starts_at', '>=', since)
    .where('ends_at', '<=', until)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
