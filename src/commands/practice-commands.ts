import { recordPractice } from '../communities/practices.js';
import { answer, bold, code, rich } from '../kernel/reply.js';
import { community, text } from './args.js';
import { defineCommand } from './define.js';

export const share = defineCommand({
  path: ['share'],
  summary: 'Records a practice (story, method, tool or case) in the repertoire',
  details: 'Anyone can share with any community. What you share can be found by others with /cop search.',
  examples: ['/cop share outreach We ran a taster day with a local school; pairing each pupil with a student worked well.'],
  access: 'everyone',
  args: { community: community(), text: text('the practice, in your own words', { max: 4000, label: 'The practice' }) },
  async run(ctx, { community: c, text: practiceText }) {
    const member = await ctx.callerMember();
    await recordPractice(ctx.db, { communityId: c.id, memberId: member.id, text: practiceText, source: 'command' }, ctx.clock.now());
    return answer(rich`Thank you! Your practice is now part of the ${bold(c.name)} repertoire. Share another with ${code(`/cop share ${c.slug} <text>`)}.`);
  },
});
