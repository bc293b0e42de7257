import { channelColumns, qualified } from '../storage/columns.js';
import { ensureMember } from '../communities/members.js';
import type { InboundListener } from '../storage/services.js';
import { recordPractice } from '../communities/practices.js';

/**
 * Each reply in the thread of a posted prompt becomes a practice of its author, linked to the prompt post.
 * The thread is recognised by its root: the message id the outbox stored when the prompt was sent.
 */
export const recordPromptReply: InboundListener = async (services, event) => {
  const { db, clock } = services;
  if (event.kind === 'edited' || event.kind === 'deleted') {
    const found = db
      .selectFrom('practice')
      .innerJoin('member', 'member.id', 'practice.member_id')
      .select(['practice.id', 'member.privacy_on'])
      .where('practice.source', '=', 'prompt-reply')
      .where((eb) => eb.and(qualified('practice', channelColumns(event.channel))))
      .where('practice.message_id', '=', event.messageId);
    const practice = await found.executeTakeFirst();
    // With privacy off the new words are not stored: the practice keeps what was shared before.
    if (!practice || (event.kind === 'edited' && practice.privacy_on === 0)) return;
    if (event.kind === 'deleted' || !event.text.trim()) await db.deleteFrom('practice').where('id', '=', practice.id).execute();
    else await db.updateTable('practice').set({ text: event.text.trim(), updated_at: clock.now() }).where('id', '=', practice.id).execute();
    return;
  }
  if (event.kind !== 'message') return;
  const { message } = event;
  const threadId = message.threadId;
  if (!threadId || !message.text.trim()) return;
  const post = await db
    .selectFrom('prompt_post')
    .innerJoin('outbox', 'outbox.id', 'prompt_post.outbox_id')
    .select(['prompt_post.id', 'prompt_post.community_id'])
    .where((eb) => eb.and(qualified('outbox', channelColumns(message.channel))))
    .where('outbox.message_id', '=', threadId)
    .executeTakeFirst();
  if (!post) return;
  const member = await ensureMember(db, message.author, message.authorName, clock.now());
  // Whoever turned privacy off is never recorded from conversation; `share` stays open to them.
  if (!member.privacy_on) return;
  await recordPractice(
    db,
    {
      communityId: post.community_id,
      memberId: member.id,
      text: message.text.trim(),
      source: 'prompt-reply',
      promptPostId: post.id,
      message: { channel: message.channel, messageId: message.messageId, permalink: message.permalink },
    },
    message.at,
  );
};
