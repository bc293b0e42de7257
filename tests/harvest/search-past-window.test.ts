import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bestPerThread, searchKnowledge } from '../../src/harvest/search.js';
import { createHarvestWorld, slackHome, slackMessage, slackReaction, type HarvestWorld } from '../support/fixtures.js';

// SQLite only (vitest.config.ts): PostgreSQL ranks its most recent matches only (src/harvest/search-postgres.ts).

let w: HarvestWorld;
beforeEach(async () => {
  w = await createHarvestWorld();
});
afterEach(() => w.close());

describe('search past the most recent matches', () => {
  const oldQuestion = '1700000000.000100';
  const threadsOf = async (query: string) => bestPerThread((await searchKnowledge(w.db, query, { now: w.clock.now() })).hits).map((hit) => hit.text);

  beforeEach(async () => {
    await w.send(slackMessage(oldQuestion, 'U0ASK0001', 'Volunteer training?'));
    await w.send(slackMessage('1700000060.000200', 'U0BOB0002', 'We run it every September.', { threadTs: oldQuestion }));
    await w.send(slackReaction('1700000060.000200', 'U0ASK0001', w.clock.now()));
    // 300 newer harvested answers that mention both words in passing: more than search ranks by recency.
    const { id: member } = await w.db.selectFrom('member').select('id').executeTakeFirstOrThrow();
    for (let n = 0; n < 300; n++) {
      const thread = await w.db
        .insertInto('harvest_thread')
        .values({
          community_id: w.community.id,
          platform: 'slack',
          workspace_id: 'T1',
          channel_id: 'C1',
          root_message_id: `q${n}`,
          asker_member_id: member,
          source: 'message',
          asked_at: w.clock.now(),
          harvested_at: w.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await w.db
        .insertInto('harvest_message')
        .values({
          thread_id: thread.id,
          community_id: w.community.id,
          platform: 'slack',
          workspace_id: 'T1',
          channel_id: 'C1',
          message_id: `a${n}`,
          member_id: member,
          role: 'answer',
          text: `After the volunteer fair we planned the autumn training sessions, room ${n}, with tea and a long list of other things to bring.`,
          posted_at: w.clock.now(),
          harvested: 1,
        })
        .execute();
    }
  });

  it('finds an old short question by its words', async () => {
    expect((await threadsOf('volunteer training')).slice(0, 3)).toContain('Volunteer training?');
  });

  it('follows the question when it is edited or deleted', async () => {
    await w.send({ kind: 'edited', channel: slackHome, messageId: oldQuestion, text: 'Volunteer induction?', at: w.clock.now() });
    expect(await threadsOf('volunteer training')).not.toContain('Volunteer training?');
    expect((await threadsOf('volunteer induction'))[0]).toBe('Volunteer induction?');
    await w.send({ kind: 'deleted', channel: slackHome, messageId: oldQuestion });
    expect(await threadsOf('volunteer induction')).not.toContain('Volunteer induction?');
  });
});
