import type { Field } from '../kernel/reply.js';
import type { Community } from '../storage/schema.js';
import type { Services } from '../storage/services.js';

const day = 86_400_000;
const statsWindowDays = 28;

/** Stats: how many prompts of the last four weeks drew at least one reply, and the replies they drew. */
export async function promptResponseFields({ db }: Services, community: Community, now: number): Promise<readonly Field[]> {
  const posts = await db
    .selectFrom('prompt_post')
    .innerJoin('outbox', 'outbox.id', 'prompt_post.outbox_id')
    .leftJoin('practice', 'practice.prompt_post_id', 'prompt_post.id')
    .select(['prompt_post.id', (eb) => eb.fn.count<number>('practice.id').as('replies')])
    .where('prompt_post.community_id', '=', community.id)
    .where('outbox.status', '=', 'sent')
    .where('prompt_post.occurrence_at', '>', now - statsWindowDays * day)
    .groupBy('prompt_post.id')
    .execute();
  if (posts.length === 0) return [{ label: 'Prompt response rate', value: ['no prompts posted in the last 4 weeks'] }];
  const answered = posts.filter((post) => Number(post.replies) > 0).length;
  const replies = posts.reduce((sum, post) => sum + Number(post.replies), 0);
  const rate = Math.round((answered / posts.length) * 100);
  return [
    {
      label: 'Prompt response rate',
      value: [`${rate}% (${answered} of ${posts.length} prompts answered in the last 4 weeks, ${replies} ${replies === 1 ? 'reply' : 'replies'})`],
    },
  ];
}
