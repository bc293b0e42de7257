import type { Services } from '../storage/services.js';
import { homeChannels } from '../communities/communities.js';
import { channelRefOf, userRefOf } from '../storage/columns.js';
import { reminderReply } from './event-posts.js';
import { listAttendees } from './events.js';
import { enqueue } from '../delivery/outbox.js';
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
    await services.db.transaction().execute(async (trx) => {
      for (const reminder of batch) keys.push(...(await materializeReminder(services, trx, reminder, now)));
    });
  }
  return keys;
}

async function materializeReminder(services: Services, trx: Db, reminder: DueReminder, now: number): Promise<string[]> {
  const { log, settings } = services;
  const outcome =
    reminder.status === 'cancelled'
      ? 'cancelled'
      : now >= reminder.starts_at
        ? 'skipped: the event had started'
        : now - reminder.due_at > downtimeGraceOf(settings)
          ? 'skipped: later than the downtime grace'
          : 'posted';
  if (outcome !== 'posted') log.warn({ event: reminder.id, lead: reminder.lead_minutes, outcome }, 'event reminder not posted');
  const marked = await trx
    .updateTable('event_reminder')
    .set({ done_at: now, outcome })
    .where('id', '=', reminder.reminder_id)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1 || outcome !== 'posted') return [];
  const community = await trx.selectFrom('community').selectAll().where('id', '=', reminder.community_id).executeTakeFirstOrThrow();
  const occurrence = `${reminder.id}:${reminder.lead_minutes}`;
  const queued: string[] = [];
  for (const home of await homeChannels(trx, community.id)) {
    const key = `reminder:${occurrence}:${channelKey(channelRefOf(home))}`;
    await enqueue(
      trx,
      {
        key,
        target: { channel: channelRefOf(home) },
        reply: reminderReply(reminder, community, reminder.lead_minutes, settings, false),
        notBefore: now,
        expiresAt: reminder.starts_at,
      },
      now,
    );
    queued.push(key);
  }
  for (const member of await listAttendees(trx, reminder.id, true)) {
    const user = userRefOf(member);
    const key = `reminder-dm:${occurrence}:${user.platform}:${user.workspaceId}:${user.userId}`;
    await enqueue(
      trx,
      {
        key,
        target: { user },
        reply: reminderReply(reminder, community, reminder.lead_minutes, settings, true),
        notBefore: now,
        expiresAt: reminder.starts_at,
      },
      now,
    );
    queued.push(key);
  }
  return queued;
}

export async function nextReminderDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('event_reminder')
    .select((eb) => eb.fn.min('due_at').as('due'))
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return row?.due ?? undefined;
}
