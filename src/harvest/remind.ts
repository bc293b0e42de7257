import type { Services } from '../storage/services.js';
import { findMemberById } from '../communities/members.js';
import { userRefOf } from '../storage/columns.js';
import { reminderReply, threadChannel } from './posts.js';
import { claimThreadPost, findHarvestMessage, prunePendingMarks } from './store.js';

const batchSize = 100;
const pendingMarkLifetimeMs = 7 * 86_400_000;
// Unharvested threads are kept only to be harvested later and listed as open: after 90 days they go.
export const openThreadLifetimeMs = 90 * 86_400_000;

/**
 * One scheduler tick: reminds each asker, once, of a question thread that has had replies for
 * HARVEST_REMINDER_DELAY with no marked answer. Returns how many reminders were sent.
 * It also forgets ✅ marks whose message never came (after 7 days) and unharvested threads after 90 days.
 */
export async function remindUnansweredThreads(services: Services): Promise<number> {
  const now = services.clock.now();
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
  let sent = 0;
  for (const { community_name: communityName, ...thread } of due) {
    // The marker is written before sending: a crash may lose one reminder, but never sends two.
    if (!(await claimThreadPost(services.db, thread.id, 'reminded_at', now))) continue;
    const asker = await findMemberById(services.db, thread.asker_member_id);
    const port = services.platforms.get(threadChannel(thread).platform);
    if (!asker || !port) continue;
    const question = (await findHarvestMessage(services.db, threadChannel(thread), thread.root_message_id))?.text ?? 'your question';
    try {
      await port.sendDirectMessage(userRefOf(asker), reminderReply(thread, question, communityName));
      sent++;
    } catch (error) {
      services.log.warn({ err: error, threadId: thread.id }, 'could not send a harvest reminder');
    }
  }
  return sent;
}
