import { channelColumns, qualified } from '../storage/columns.js';
import type { ChannelRef } from '../kernel/identity.js';
import type { Db } from '../storage/database.js';
import type { HarvestMessage, HarvestThread } from '../storage/schema.js';

export type NewQuestion = Readonly<{
  communityId: number;
  channel: ChannelRef;
  rootMessageId: string;
  askerMemberId: number;
  text: string;
  permalink?: string;
  at: number;
  source: 'ask' | 'message';
}>;

/** Starts following a question thread; undefined when it was already followed (a redelivered event). */
export async function recordQuestionThread(db: Db, question: NewQuestion): Promise<HarvestThread | undefined> {
  const { channel } = question;
  const thread = await db
    .insertInto('harvest_thread')
    .values({
      community_id: question.communityId,
      ...channelColumns(channel),
      root_message_id: question.rootMessageId,
      asker_member_id: question.askerMemberId,
      source: question.source,
      permalink: question.permalink ?? null,
      asked_at: question.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!thread) return undefined;
  await db
    .insertInto('harvest_message')
    .values({
      thread_id: thread.id,
      community_id: question.communityId,
      ...channelColumns(channel),
      message_id: question.rootMessageId,
      member_id: question.askerMemberId,
      role: 'question',
      text: question.text,
      permalink: question.permalink ?? null,
      posted_at: question.at,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return thread;
}

export async function findThreadByRoot(db: Db, channel: ChannelRef, rootMessageId: string): Promise<HarvestThread | undefined> {
  return db
    .selectFrom('harvest_thread')
    .selectAll()
    .where((eb) => eb.and(channelColumns(channel)))
    .where('root_message_id', '=', rootMessageId)
    .executeTakeFirst();
}

/**
 * A followed thread whose channel is a community's home channel now, with that community's id: replies are stored
 * only there. One query for what would be two (the home channel's community, then the thread).
 */
export async function findThreadInHomeChannel(
  db: Db,
  channel: ChannelRef,
  rootMessageId: string,
): Promise<(HarvestThread & { home_community_id: number }) | undefined> {
  return db
    .selectFrom('harvest_thread')
    .innerJoin('home_channel', (join) =>
      join
        .onRef('home_channel.platform', '=', 'harvest_thread.platform')
        .onRef('home_channel.workspace_id', '=', 'harvest_thread.workspace_id')
        .onRef('home_channel.channel_id', '=', 'harvest_thread.channel_id'),
    )
    .selectAll('harvest_thread')
    .select('home_channel.community_id as home_community_id')
    .where((eb) => eb.and(qualified('harvest_thread', channelColumns(channel))))
    .where('harvest_thread.root_message_id', '=', rootMessageId)
    .executeTakeFirst();
}

export async function findThreadById(db: Db, id: number): Promise<HarvestThread | undefined> {
  return db.selectFrom('harvest_thread').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findHarvestMessage(db: Db, channel: ChannelRef, messageId: string): Promise<HarvestMessage | undefined> {
  return db
    .selectFrom('harvest_message')
    .selectAll()
    .where((eb) => eb.and(channelColumns(channel)))
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

export type NewReply = Readonly<{ messageId: string; memberId: number; text: string; permalink?: string; at: number }>;

/** Stores a reply in a followed thread (searchable at once if the thread is harvested); undefined on redelivery. */
export async function recordReply(db: Db, thread: HarvestThread, reply: NewReply): Promise<HarvestMessage | undefined> {
  return db
    .insertInto('harvest_message')
    .values({
      thread_id: thread.id,
      community_id: thread.community_id,
      platform: thread.platform,
      workspace_id: thread.workspace_id,
      channel_id: thread.channel_id,
      message_id: reply.messageId,
      member_id: reply.memberId,
      role: thread.answer_message_id === reply.messageId ? 'answer' : 'reply',
      text: reply.text,
      permalink: reply.permalink ?? null,
      posted_at: reply.at,
      harvested: thread.harvested_at === null ? 0 : 1,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Notes the earliest reply by someone other than the asker: the clock for reminders and time-to-answer. */
export async function noteReplyTime(db: Db, thread: HarvestThread, at: number): Promise<void> {
  // It only ever moves earlier, so a thread read with an earlier reply needs no write (most replies are not the first).
  if (thread.first_reply_at !== null && thread.first_reply_at <= at) return;
  await db
    .updateTable('harvest_thread')
    .set({ first_reply_at: at })
    .where('id', '=', thread.id)
    .where((eb) => eb.or([eb('first_reply_at', 'is', null), eb('first_reply_at', '>', at)]))
    .execute();
}

export type MarkOutcome = 'harvested' | 'changed' | 'unchanged';

export type Mark = Readonly<{ markerMemberId: number; markedAt: number }>;

/** Makes the message the thread's answer and the whole thread searchable; 'harvested' only the first time. */
export async function markAnswer(db: Db, thread: HarvestThread, answer: HarvestMessage, mark: Mark, now: number): Promise<MarkOutcome> {
  const current = await db.selectFrom('harvest_thread').selectAll().where('id', '=', thread.id).executeTakeFirstOrThrow();
  if (current.answer_message_id === answer.message_id) return 'unchanged';
  if (current.marked_at !== null && mark.markedAt < current.marked_at) return 'unchanged';
  await db
    .updateTable('harvest_thread')
    .set({
      answer_message_id: answer.message_id,
      marked_by_member_id: mark.markerMemberId,
      marked_at: mark.markedAt,
      harvested_at: current.harvested_at ?? now,
    })
    .where('id', '=', thread.id)
    .execute();
  await db.updateTable('harvest_message').set({ role: 'reply' }).where('thread_id', '=', thread.id).where('role', '=', 'answer').execute();
  await db.updateTable('harvest_message').set({ role: 'answer' }).where('id', '=', answer.id).execute();
  await db.updateTable('harvest_message').set({ harvested: 1 }).where('thread_id', '=', thread.id).where('harvested', '=', 0).execute();
  return current.harvested_at === null ? 'harvested' : 'changed';
}

/**
 * Claims a one-time post for a thread (hint, reminder, announcement) by writing its marker first:
 * true for exactly one caller, however many processes or redeliveries race for it.
 */
export async function claimThreadPost(db: Db, threadId: number, marker: 'hint_at' | 'reminded_at' | 'announced_at', now: number): Promise<boolean> {
  const result = await db
    .updateTable('harvest_thread')
    .set({ [marker]: now })
    .where('id', '=', threadId)
    .where(marker, 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateHarvestText(db: Db, messageId: number, text: string, at: number): Promise<void> {
  await db.updateTable('harvest_message').set({ text, edited_at: at }).where('id', '=', messageId).execute();
}

/** Removes a message; removing a question removes its whole thread (the asker withdrew it). */
export async function removeHarvestMessage(db: Db, message: HarvestMessage): Promise<void> {
  if (message.role === 'question') await db.deleteFrom('harvest_thread').where('id', '=', message.thread_id).execute();
  else await db.deleteFrom('harvest_message').where('id', '=', message.id).execute();
}

export async function savePendingMark(db: Db, channel: ChannelRef, messageId: string, userId: string, at: number): Promise<void> {
  await db
    .insertInto('harvest_pending_mark')
    .values({ ...channelColumns(channel), message_id: messageId, user_id: userId, at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The users who marked a message before it arrived, and when, removed as they are taken. */
export async function takePendingMarks(db: Db, channel: ChannelRef, messageId: string): Promise<{ user_id: string; at: number }[]> {
  // Almost every message arrives unmarked: a read spares it a write transaction.
  const any = await db
    .selectFrom('harvest_pending_mark')
    .select('at')
    .where((eb) => eb.and(channelColumns(channel)))
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (!any) return [];
  const rows = await db
    .deleteFrom('harvest_pending_mark')
    .where((eb) => eb.and(channelColumns(channel)))
    .where('message_id', '=', messageId)
    .returning(['user_id', 'at'])
    .execute();
  return rows.sort((a, b) => a.at - b.at);
}

/** Forgets marks whose message never came: after a week it is not coming. */
export async function prunePendingMarks(db: Db, olderThan: number): Promise<number> {
  const result = await db.deleteFrom('harvest_pending_mark').where('at', '<', olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Questions whose answer was harvested in these communities from `since` (inclusive) up to `until` (inclusive). */
export async function countAnswersHarvested(db: Db, communityIds: readonly number[], since: number, until: number): Promise<number> {
  if (communityIds.length === 0 || until < since) return 0;
  const row = await db
    .selectFrom('harvest_thread')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', 'in', communityIds)
    .where('harvested_at', '>=', since)
    .where('harvested_at', '<=', until)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
