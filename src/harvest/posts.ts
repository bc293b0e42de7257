import type { Services } from '../storage/services.js';
import type { ChannelRef } from '../kernel/identity.js';
import { findMemberById } from '../communities/members.js';
import { userRefOf } from '../storage/columns.js';
import { answer, bold, code, link, mention, rich, type Reply } from '../kernel/reply.js';
import type { HarvestThread } from '../storage/schema.js';
import { claimThreadPost } from './store.js';
import { deliverNow, enqueue } from '../delivery/outbox.js';
import { channelKey } from '../rhythms/prompts.js';

export function threadChannel(thread: HarvestThread): ChannelRef {
  return { platform: thread.platform, workspaceId: thread.workspace_id, channelId: thread.channel_id };
}

/** The outbox key of a post about a question thread: one per thread and kind, whatever its row id later becomes. */
export function threadPostKey(what: 'hint' | 'harvested' | 'reminder', thread: HarvestThread): string {
  return `harvest-${what}:${channelKey(threadChannel(thread))}:${thread.root_message_id}`;
}

/**
 * Posts in the thread through the outbox, at once; a failure is retried by the outbox, never thrown: what it reports
 * is already stored.
 */
async function postInThread(services: Services, thread: HarvestThread, reply: Reply, what: 'hint' | 'harvested'): Promise<void> {
  const now = services.clock.now();
  const key = threadPostKey(what, thread);
  await enqueue(services.db, { key, target: { channel: threadChannel(thread) }, reply, notBefore: now, threadOf: thread.root_message_id }, now);
  const [row] = await deliverNow(services, [key]);
  if (row?.status !== 'sent')
    services.log.info({ threadId: thread.id, what, status: row?.status, error: row?.last_error }, 'a question-thread post waits in the outbox');
}

/** The one-line hint on how to mark the answer, once per question thread. */
export async function postAnswerHint(services: Services, thread: HarvestThread): Promise<void> {
  if (!(await claimThreadPost(services.db, thread.id, 'hint_at', services.clock.now()))) return;
  const asker = await findMemberById(services.db, thread.asker_member_id);
  const who = asker ? mention(userRefOf(asker), asker.display_name) : 'the asker';
  const hint = rich`When a reply answers this, ${who} or a coordinator can react ✅ to it (or use the “Harvest answer” message action) to save it to the knowledge base.`;
  await postInThread(services, thread, answer(hint, { visibility: 'channel' }), 'hint');
}

/** Tells the asker, in the thread and once, that the thread was harvested. */
export async function announceHarvest(services: Services, thread: HarvestThread, communitySlug: string): Promise<void> {
  if (!(await claimThreadPost(services.db, thread.id, 'announced_at', services.clock.now()))) return;
  const asker = await findMemberById(services.db, thread.asker_member_id);
  const who = asker ? rich`${mention(userRefOf(asker), asker.display_name)}, this` : ['This'];
  const text = rich`${who} thread is harvested: its answer can now be found with ${code(`/cop search <words> community:${communitySlug}`)}.`;
  await postInThread(services, thread, answer(text, { visibility: 'channel' }), 'harvested');
}

/** The gentle reminder, sent to the asker by direct message with a link to the thread. */
export function reminderReply(thread: HarvestThread, question: string, communityName: string): Reply {
  const where = thread.permalink ? link(thread.permalink, shorten(question, 80)) : bold(shorten(question, 80));
  return answer(
    rich`Your question in ${bold(communityName)} has replies: ${where}. If one of them answered it, react ✅ to that reply (or use the “Harvest answer” message action) so that others can find it too.`,
  );
}

export function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
