import type { Services, InboundListener } from '../storage/services.js';
import { findCommunityByHomeChannel, findCommunityById, isCoordinator } from '../communities/communities.js';
import type { UserRef } from '../kernel/identity.js';
import type { InboundEvent, InboundMessage } from '../kernel/inbound.js';
import { ensureMember, findMember, findMemberById } from '../communities/members.js';
import { userRefOf } from '../storage/columns.js';
import { answer, bold, mention, refuse, rich, type Reply } from '../kernel/reply.js';
import type { Community, HarvestMessage, HarvestThread, Member } from '../storage/schema.js';
import { announceHarvest, postAnswerHint, shorten, threadChannel } from './posts.js';
import {
  findHarvestMessage,
  findThreadById,
  findThreadByRoot,
  findThreadInHomeChannel,
  markAnswer,
  noteReplyTime,
  recordQuestionThread,
  recordReply,
  removeHarvestMessage,
  savePendingMark,
  takePendingMarks,
  updateHarvestText,
  type MarkOutcome,
} from './store.js';

export const answerEmoji = 'white_check_mark';

/** A question is a message that ends with a question mark, perhaps followed by closing quotes or markup. */
export function isQuestion(text: string): boolean {
  return /[?？][\s*_~`)"'”’»]*$/.test(text);
}

/** Follows home channels: question threads and their replies, edits, deletions, and the marking of answers. */
export const captureHarvest: InboundListener = async (services, event) => {
  switch (event.kind) {
    case 'message':
      return captureMessage(services, event.message);
    case 'edited': {
      const stored = await findHarvestMessage(services.db, event.channel, event.messageId);
      if (!stored || stored.text === event.text) return;
      // New words from someone with privacy off are never stored. A reply goes; a question keeps its old words,
      // since removing it would take everyone else's answers with it.
      if ((await findMemberById(services.db, stored.member_id))?.privacy_on === 0) {
        if (stored.role !== 'question') await removeHarvestMessage(services.db, stored);
      } else {
        await updateHarvestText(services.db, stored.id, event.text, event.at);
      }
      return;
    }
    case 'deleted': {
      const stored = await findHarvestMessage(services.db, event.channel, event.messageId);
      if (stored) await removeHarvestMessage(services.db, stored);
      return;
    }
    case 'reaction':
      if (event.emoji === answerEmoji) await captureReaction(services, event);
      return;
    case 'mark-answer':
      return markByAction(services, event);
  }
};

/** The member whose words may be stored, created on first sight; undefined when they set privacy off. */
async function memberWhoAllowsHarvest(services: Services, user: UserRef, name: string | undefined): Promise<Member | undefined> {
  const known = await findMember(services.db, user);
  if (known?.privacy_on === 0) return undefined;
  // Most messages come from people already known under the same name: no write for them.
  if (known && (name === undefined || known.display_name === name)) return known;
  return ensureMember(services.db, user, name, services.clock.now());
}

async function captureMessage(services: Services, message: InboundMessage): Promise<void> {
  const isRoot = message.threadId === undefined || message.threadId === message.messageId;
  if (isRoot) {
    if (!isQuestion(message.text)) return;
    const community = await findCommunityByHomeChannel(services.db, message.channel);
    // Already followed: a redelivery, or the echo of a question the bot posted for `ask`.
    if (!community || (await findThreadByRoot(services.db, message.channel, message.messageId))) return;
    const asker = await memberWhoAllowsHarvest(services, message.author, message.authorName);
    if (!asker) return;
    // The hint waits for the first reply: a question nobody takes up is not yet a thread worth a bot post.
    const question = {
      communityId: community.id,
      channel: message.channel,
      rootMessageId: message.messageId,
      askerMemberId: asker.id,
      text: message.text,
      permalink: message.permalink,
      at: message.at,
      source: 'message',
    } as const;
    await services.db.transaction().execute((trx) => recordQuestionThread(trx, question));
    return;
  }
  const thread = await findThreadInHomeChannel(services.db, message.channel, message.threadId);
  if (!thread) return;
  const author = await memberWhoAllowsHarvest(services, message.author, message.authorName);
  const stored = author
    ? await recordReply(services.db, thread, {
        messageId: message.messageId,
        memberId: author.id,
        text: message.text,
        permalink: message.permalink,
        at: message.at,
      })
    : undefined;
  // Replies by others count for reminders and stats even when their author's privacy keeps the text out.
  const byAsker = (author ?? (await findMember(services.db, message.author)))?.id === thread.asker_member_id;
  if (!byAsker) {
    await noteReplyTime(services.db, thread, message.at);
    // The hint is posted once; a thread read with its hint already claimed needs no claim.
    if (thread.hint_at === null) await postAnswerHint(services, thread);
  }
  if (!stored) return;
  // A ✅ that came before this reply counts now, if it came from someone allowed to mark.
  const pendingMarks = await takePendingMarks(services.db, message.channel, message.messageId);
  const community = pendingMarks.length > 0 ? await findCommunityById(services.db, thread.home_community_id) : undefined;
  if (!community) return;
  for (const pending of pendingMarks) {
    const marker: UserRef = { platform: message.channel.platform, workspaceId: message.channel.workspaceId, userId: pending.user_id };
    const result = await markIfAllowed(services, community, thread, stored, marker, pending.at);
    if (result.kind === 'marked') break;
  }
}

async function captureReaction(services: Services, event: Extract<InboundEvent, { kind: 'reaction' }>): Promise<void> {
  const community = await findCommunityByHomeChannel(services.db, event.channel);
  if (!community) return;
  const stored = await findHarvestMessage(services.db, event.channel, event.messageId);
  if (!stored) {
    // Slack's reaction event does not say which thread; keep the mark until its message arrives, if ever.
    await savePendingMark(services.db, event.channel, event.messageId, event.user.userId, event.at);
    return;
  }
  const thread = await findThreadById(services.db, stored.thread_id);
  if (thread) await markIfAllowed(services, community, thread, stored, event.user, event.at);
}

type MarkResult = { kind: 'marked'; outcome: MarkOutcome } | { kind: 'is-question' } | { kind: 'not-allowed'; asker: Member | undefined };

async function markIfAllowed(
  services: Services,
  community: Community,
  thread: HarvestThread,
  message: HarvestMessage,
  markerUser: UserRef,
  markedAt: number,
): Promise<MarkResult> {
  if (message.role === 'question') return { kind: 'is-question' };
  const marker = await findMember(services.db, markerUser);
  const allowed =
    marker !== undefined &&
    (marker.id === thread.asker_member_id ||
      services.settings.admins.some((admin) => admin.platform === markerUser.platform && admin.userId === markerUser.userId) ||
      (await isCoordinator(services.db, community.id, marker.id)));
  if (!allowed || !marker) return { kind: 'not-allowed', asker: await findMemberById(services.db, thread.asker_member_id) };
  const outcome = await services.db
    .transaction()
    .execute((trx) => markAnswer(trx, thread, message, { markerMemberId: marker.id, markedAt }, services.clock.now()));
  if (outcome === 'harvested') await announceHarvest(services, thread, community.slug);
  return { kind: 'marked', outcome };
}

async function markByAction(services: Services, event: Extract<InboundEvent, { kind: 'mark-answer' }>): Promise<Reply> {
  const community = await findCommunityByHomeChannel(services.db, event.channel);
  if (!community)
    return refuse(
      'NotHomeChannel',
      'This channel is not a community’s home channel, so nothing here is harvested; a coordinator can make it one with /cop link <community>.',
    );
  const stored = await findHarvestMessage(services.db, event.channel, event.messageId);
  const thread = stored ? await findThreadById(services.db, stored.thread_id) : undefined;
  if (!stored || !thread) {
    return refuse(
      'NotAReply',
      'That message is not a reply in a question thread I follow (one whose first message ends with “?” or was posted with /cop ask); replies by people with privacy off are not stored either.',
    );
  }
  const result = await markIfAllowed(services, community, thread, stored, event.user, event.at);
  const question = await questionText(services, thread);
  switch (result.kind) {
    case 'is-question':
      return refuse('IsQuestion', 'That is the question itself; use “Harvest answer” on the reply that answers it.');
    case 'not-allowed': {
      const asker = result.asker ? mention(userRefOf(result.asker), result.asker.display_name) : 'the one who asked';
      return refuse('NotAllowed', rich`Only ${asker} or a coordinator of ${community.slug} can mark the answer to this question.`);
    }
    case 'marked':
      if (result.outcome === 'unchanged') return answer('That reply is already the marked answer.');
      if (result.outcome === 'changed') return answer(rich`That reply is now the marked answer to “${shorten(question, 80)}”, in place of the earlier one.`);
      return answer(rich`Harvested: that reply is now the answer to “${shorten(question, 80)}” in the ${bold(community.name)} knowledge base.`);
  }
}

async function questionText(services: Services, thread: HarvestThread): Promise<string> {
  return (await findHarvestMessage(services.db, threadChannel(thread), thread.root_message_id))?.text ?? 'the question';
}
