import type { Services } from '../storage/services.js';
import { findMemberById } from '../communities/members.js';
import { userRefOf } from '../storage/columns.js';
import { reminderReply, threadChannel, threadPostKey } from './posts.js';
import { deliverNow, enqueue } from '../delivery/outbox.js';
import { claimThreadPost, findHarvestMessage, prunePendingMarks } from './store.js';

const batchSize = 100;
const pendingMarkLifetimeMs = 7 * 86_400_000;
// Unharvested threads are kept only to be harvested later and listed as open: after 90 days they go.
export const openThreadLifetimeMs = 90 * 86_400_000;

/** Reminds the askers now (the reminders the scheduler would queue, sent at once); returns how many were sent. */
export async function remindUnansweredThreads(services: Services): Promise<number> {
  const keys = await enqueueAnswerReminders(services, services.clock.now());
  return (await deliverNow(services, keys)).filter((row) => row.status === 'sent').length;
}

/**
 * A scheduled job: queues a reminder to each asker, once, of a question thread that has had replies for
 * HARVEST_REMINDER_DELAY with no marked answer; returns their outbox keys.
 * It also forgets ✅ marks whose message never came (after 7 days) and unharvested threads after 90 days.
 */
export async function enqueueAnswerReminders(services: Services, now: number): Promise<string[]> {
  await prunePendingMarks(services.db, now - pendingMarkLifetimeMs);
  await services.db
    .deleteFrom('harvest_thread')
    .where('harvested_at', 'is', null)
    .where('asked_at', '<', now - openThreadLifetimeMs)
    .execute();
  const due = await services.db
    .selectFrom('harvest_thread')
    .innerJoin('community', 'community.id', 'harvest_thread.community_id')
    .selectAll('harvest_thread')
    .select('community.name as community_name')
    .where('harvest_thread.harvested_at', 'is', null)
    .where('harvest_thread.reminded_at', 'is', null)
    .where('harvest_thread.first_reply_at', '<=', now - services.settings.harvestReminderDelayMs)
    .orderBy('harvest_thread.first_reply_at')
    .limit(batchSize)
    .execute();
  const keys: string[] = [];
  for (const { community_name: communityName, ...thread } of due) {
    const asker = await findMemberById(services.db, thread.asker_member_id);
    const question = (await findHarvestMessage(services.db, threadChannel(thread), thread.root_message_id))?.text ?? 'your question';
    // The marker and the outbox row are written together: the outbox then sends it exactly once, retrying as needed.
    const key = threadPostKey('reminder', thread);
    const queued = await services.db.transaction().execute(async (trx) => {
      if (!(await claimThreadPost(trx, thread.id, 'reminded_at', now))) return false;
      if (!asker) return false;
      await enqueue(trx, { key, target: { user: userRefOf(asker) }, reply: reminderReply(thread, question, communityName), notBefore: now }, now);
      return true;
    });
    if (queued) keys.push(key);
  }
  return keys;
}
