import { refreshEventPosts } from '../events/event-posts.js';
import { findMember } from '../communities/members.js';
import { countMemberData, forgetMember, setPrivacy } from '../privacy/forget.js';
import { answer, code, rich } from '../kernel/reply.js';
import { plural } from '../kernel/words.js';
import { choice, optional } from './args.js';
import { defineCommand } from './define.js';

export const privacy = defineCommand({
  path: ['me', 'privacy'],
  aliases: [['privacy']],
  summary: 'Turns harvesting of what you write off (from now on) or back on',
  details:
    'With privacy off, your messages in home channels are never stored (nor your questions and replies not yet harvested), and /cop who never lists you. What was harvested before stays, without your name, until you delete it on the platform or use /cop me forget.',
  examples: ['/cop me privacy off', '/cop privacy on'],
  access: 'everyone',
  args: { setting: choice(['on', 'off'], 'off keeps your messages out of the knowledge base') },
  async run(ctx, { setting }) {
    const member = await ctx.callerMember();
    await setPrivacy(ctx.db, member.id, setting === 'on');
    return setting === 'off'
      ? answer(
          rich`Harvesting is off for you (privacy off): nothing you write in home channels is stored from now on, and ${code('/cop who')} will not list you. To delete what is already stored, use ${code('/cop me forget')}.`,
        )
      : answer('Harvesting is on for you again (privacy on): your questions and replies in home channels can be harvested when an answer is marked.');
  },
});

export const forget = defineCommand({
  path: ['me', 'forget'],
  aliases: [['forget-me']],
  summary: 'Deletes everything stored about you, after you confirm',
  details:
    'Deletes, in every community: your memberships and their history, coordinator roles, practices you shared, questions you asked (with their threads), harvested messages you wrote, notes you logged against goals, and your member record.',
  examples: ['/cop me forget', '/cop forget-me'],
  access: 'everyone',
  args: { confirm: optional(choice(['yes'], 'yes, to delete without asking again'), '[confirm:yes]') },
  async run(ctx, { confirm }) {
    const member = await findMember(ctx.db, ctx.caller.user);
    if (!member) return answer('Weaver stores nothing about you: there is nothing to forget.');
    if (confirm !== 'yes') {
      const counts = await countMemberData(ctx.db, member);
      return answer(
        `This deletes everything Weaver stores about you, in every community: ${plural(counts.memberships, 'membership')} (and their history), ${plural(counts.practices, 'practice')}, ${plural(counts.questions, 'question')} with their threads, ${plural(counts.messages, 'harvested message')}, coordinator roles, and your member record. It cannot be undone.`,
        { buttons: [{ label: 'Delete everything about me', command: 'me forget confirm:yes', style: 'danger' }] },
      );
    }
    // Their RSVPs go with them: the posts of the events they answered must stop counting them.
    const answered = await ctx.db
      .selectFrom('rsvp')
      .innerJoin('event', 'event.id', 'rsvp.event_id')
      .selectAll('event')
      .where('rsvp.member_id', '=', member.id)
      .where('event.status', '!=', 'cancelled')
      .execute();
    await forgetMember(ctx.db, member);
    for (const event of answered) {
      const community = await ctx.db.selectFrom('community').selectAll().where('id', '=', event.community_id).executeTakeFirst();
      if (community) await refreshEventPosts(ctx, event, community);
    }
    return answer(
      rich`Done: everything Weaver stored about you is deleted. If you write in a home channel again it may be harvested anew; ${code('/cop me privacy off')} prevents that.`,
    );
  },
});
