import { homeChannels } from '../communities/communities.js';
import { channelRefOf } from '../storage/columns.js';
import { postAnswerHint } from '../harvest/posts.js';
import { recordQuestionThread } from '../harvest/store.js';
import { randomUUID } from 'node:crypto';
import { deliverNow, enqueue, withdrawQueued } from '../delivery/outbox.js';
import { channelKey } from '../rhythms/prompts.js';
import { answer, bold, channelMention, link, mention, refuse, rich } from '../kernel/reply.js';
import { community, text } from './args.js';
import { defineCommand } from './define.js';

export const ask = defineCommand({
  path: ['ask'],
  summary: 'Asks a question in the community’s home channel; its marked answer is harvested',
  details:
    'Replies in the thread are harvested once one is marked as the answer: you (or a coordinator) react ✅ to it, or use the “Harvest answer” message action. Then /cop search finds it.',
  examples: ['/cop ask outreach How do you keep volunteers coming back after their first event?'],
  access: 'everyone',
  args: { community: community(), question: text('your question', { max: 3000, label: 'The question' }) },
  async run(ctx, { community: c, question }) {
    const { user } = ctx.caller;
    // The thread is followed where the asker can see it: the home channel they are in (a channel shared between
    // organisations, such as Slack Connect, is home to people of both), else the one on their own workspace.
    const homes = await homeChannels(ctx.db, c.id);
    const here = ctx.channel;
    const home =
      homes.find((h) => here !== undefined && h.platform === here.platform && h.workspace_id === here.workspaceId && h.channel_id === here.channelId) ??
      homes.find((h) => h.platform === user.platform && h.workspace_id === user.workspaceId);
    if (!home) {
      return refuse(
        'NoHomeChannel',
        `${c.slug} has no home channel here yet, so there is nowhere to post your question; a coordinator can run /cop link ${c.slug} in the channel that should be its home.`,
      );
    }
    const channel = channelRefOf(home);
    if (!ctx.platforms.get(channel.platform))
      return refuse('PlatformNotRunning', `Weaver is not connected to ${channel.platform} right now; please try again later.`);
    const member = await ctx.callerMember();
    const post = answer(rich`${bold('Question')} from ${mention(user, member.display_name)}:\n${question}`, { visibility: 'channel' });
    // Through the outbox, sent at once: paced with everything else posted there, and never posted twice.
    const now = ctx.clock.now();
    const key = `ask:${member.id}:${channelKey(channel)}:${now}:${randomUUID().slice(0, 8)}`;
    await enqueue(ctx.db, { key, target: { channel }, reply: post, notBefore: now }, now);
    const [row] = await deliverNow(ctx, [key]);
    const receipt = row?.status === 'sent' && row.message_id ? { messageId: row.message_id, permalink: row.permalink ?? undefined } : undefined;
    if (!receipt) {
      // The asker is told to try again, so a question that could not go out now is withdrawn rather than posted later.
      await withdrawQueued(ctx.db, key, 'the asker was told to try again');
      ctx.log.warn({ community: c.slug, error: row?.last_error }, 'could not post a question');
      return refuse('PostFailed', rich`I could not post your question in ${channelMention(channel, home.channel_name)}; please try again in a moment.`);
    }
    const where = receipt.permalink ? link(receipt.permalink, `#${home.channel_name ?? channel.channelId}`) : channelMention(channel, home.channel_name);
    if (member.privacy_on === 0) {
      return answer(rich`Your question is posted in ${where}. You have privacy off, so this thread will not be harvested; /cop me privacy on allows it.`);
    }
    const followed = {
      communityId: c.id,
      channel,
      rootMessageId: receipt.messageId,
      askerMemberId: member.id,
      text: question,
      permalink: receipt.permalink,
      at: ctx.clock.now(),
      source: 'ask',
    } as const;
    const thread = await ctx.db.transaction().execute((trx) => recordQuestionThread(trx, followed));
    if (thread) await postAnswerHint(ctx, thread);
    return answer(
      rich`Your question is posted in ${where}. When a reply answers it, react ✅ to that reply (or use the “Harvest answer” message action) and it joins the ${bold(c.name)} knowledge base.`,
    );
  },
});
