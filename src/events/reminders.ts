import type { Services } from '../storage/services.js';
import { homeChannelsByCommunity } from '../communities/communities.js';
import { channelRefOf, userRefOf } from '../storage/columns.js';
import { reminderReply } from './event-posts.js';
import { listAttendees } from './events.js';
import { enqueueAll, type OutboxItem } from '../delivery/outbox.js';
import { channelKey } from '../rhythms/prompts.js';
import { downtimeGraceOf } from '../rhythms/rhythms.js';
import type { Db } from '../storage/database.js';
import type { WeaverEvent } from '../storage/rhythm-schema.js';

// Due reminders are turned into posts this many to a transaction, as rhythms are (see rhythms.ts).
const remindersPerTransaction = 500;

type DueReminder = WeaverEvent & { reminder_id: number; lead_minutes: number; due_at: number };

/**
 * Turns due event reminders into posts: one in each home channel and a direct message to each member who said
 * yes or maybe and keeps reminders on. A reminder for an event that has started, or later than the grace, is skipped.
 */
export async function materializeDueReminders(services: Services, now: number): Promise<string[]> {
  const due = await services.db
    .selectFrom('event_reminder')
    .innerJoin('event', 'event.id', 'event_reminder.event_id')
    .selectAll('event')
    .select(['event_reminder.id as reminder_id', 'event_reminder.lead_minutes', 'event_reminder.due_at'])
    .where('event_reminder.done_at', 'is', null)
    .where('event_reminder.due_at', '<=', now)
    .orderBy('event_reminder.due_at')
    .execute();
  const keys: string[] = [];
  for (let i = 0; i < due.length; i += remindersPerTransaction) {
    const batch = due.slice(i, i + remindersPerTransaction);
    keys.push(...(await services.db.transaction().execute((trx) => materializeReminders(services, trx, batch, now))));
  }
  return keys;
}

/** One batch of due reminders: each marked done with its outcome, and those that are ours to post enqueued in one insert. */
async function materializeReminders(services: Services, trx: Db, reminders: readonly DueReminder[], now: number): Promise<string[]> {
  const { log, settings } = services;
  const ours: DueReminder[] = [];
  for (const reminder of reminders) {
    const outcome =
      reminder.status === 'cancelled'
        ? 'cancelled'
        : now >= reminder.starts_at
          ? 'skipped: the event had started'
          : now - reminder.due_at > downtimeGraceOf(settings)
            ? 'skipped: later than the downtime grace'
            : 'posted';
    if (outcome !== 'posted') log.warn({ event: reminder.id, lead: reminder.lead_minutes, outcome }, 'event reminder not posted');
    // Marking only a reminder not yet done means a second scheduler that got here first wins, and we post nothing. (One
    // statement each: by the id, where a list of ids with `done_at is null` has SQLite read the index of undone ones.)
    const marked = await trx
      .updateTable('event_reminder')
      .set({ done_at: now, outcome })
      .where('id', '=', reminder.reminder_id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) === 1 && outcome === 'posted') ours.push(reminder);
  }
  if (ours.length === 0) return [];
  const communityIds = [...new Set(ours.map((reminder) => reminder.community_id))];
  const communities = new Map((await trx.selectFrom('community').selectAll().where('id', 'in', communityIds).execute()).map((c) => [c.id, c]));
  const homesOf = await homeChannelsByCommunity(trx, communityIds);
  const items: OutboxItem[] = [];
  for (const reminder of ours) {
    const community = communities.get(reminder.community_id);
    if (!community) continue;
    const occurrence = `${reminder.id}:${reminder.lead_minutes}`;
    const post = { notBefore: now, expiresAt: reminder.starts_at };
    const notice = reminderReply(reminder, community, reminder.lead_minutes, settings, false);
    for (const home of homesOf.get(community.id) ?? []) {
      const channel = channelRefOf(home);
      items.push({ ...post, key: `reminder:${occurrence}:${channelKey(channel)}`, target: { channel }, reply: notice });
    }
    const personal = reminderReply(reminder, community, reminder.lead_minutes, settings, true);
    for (const member of await listAttendees(trx, reminder.id, true)) {
      const user = userRefOf(member);
      items.push({ ...post, key: `reminder-dm:${occurrence}:${user.platform}:${user.workspaceId}:${user.userId}`, target: { user }, reply: personal });
    }
  }
  await enqueueAll(trx, items, now);
  return items.map((item) => item.key);
}

export async function nextReminderDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('event_reminder')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return row?.due ?? undefined;
}
