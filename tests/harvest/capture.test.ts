import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import { searchKnowledge } from '../../src/harvest/search.js';
import { testEngine } from '../support/test-database.js';
import {
  createHarvestWorld,
  discordHome,
  discordMessage,
  discordUser,
  slackHome,
  slackMessage,
  slackReaction,
  slackUser,
  type HarvestWorld,
} from '../support/fixtures.js';

const root = '1732350000.000100';
const bobReply = '1732350060.000200';
const carolReply = '1732350120.000300';
const t = (ts: string) => Math.round(Number(ts) * 1000);

let w: HarvestWorld;
beforeEach(async () => {
  w = await createHarvestWorld();
});
afterEach(() => w.close());

async function askOnSlack() {
  await w.send(slackMessage(root, 'U0ASKER01', 'How do we keep volunteers coming back after the first event?'));
  await w.send(slackMessage(bobReply, 'U0BOB0002', 'Give every volunteer a buddy and a small job they own.', { threadTs: root }));
  await w.send(slackMessage(carolReply, 'U0CAROL03', 'We send a thank-you note within a day.', { threadTs: root }));
}

const search = (query: string) => searchKnowledge(w.db, query, { now: w.clock.now() });
const threads = () => w.db.selectFrom('harvest_thread').selectAll().execute();
const messages = () => w.db.selectFrom('harvest_message').selectAll().orderBy('id').execute();

describe('harvesting a Slack question thread', () => {
  it('follows a question, hints once at the first reply, and harvests it when the asker reacts ✅ to a reply', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'How do we keep volunteers coming back after the first event?'));
    expect(w.slack.posts).toHaveLength(0);
    await askOnSlack();
    expect((await search('volunteer buddy')).hits).toHaveLength(0);
    const hints = w.slack.posts.filter((p) => p.threadId === root);
    expect(hints).toHaveLength(1);
    expect(hints[0]!.text).toContain('react ✅');

    await w.send(slackReaction(bobReply, 'U0ASKER01', t(bobReply) + 5000));
    const [thread] = await threads();
    expect(thread!.answer_message_id).toBe(bobReply);
    expect(thread!.harvested_at).toBe(w.clock.now());
    expect((await messages()).map((m) => [m.role, m.harvested])).toEqual([
      ['question', 1],
      ['answer', 1],
      ['reply', 1],
    ]);
    const announced = w.slack.posts.filter((p) => p.threadId === root);
    expect(announced).toHaveLength(2);
    expect(announced[1]!.text).toContain('harvested');

    const found = await search('volunteer buddy');
    expect(found.hits[0]).toMatchObject({ role: 'answer', permalink: `https://acme.slack.com/archives/${slackHome.channelId}/p1732350060000200` });
    const reply = await w.runAs(slackUser('U0DAN0004'), 'search volunteer');
    expect(reply.refusal).toBeUndefined();
    expect(reply.text).toContain('✅ Answer · STEM Outreach');
    expect(reply.text).toContain('buddy');
  });

  it('ignores a ✅ by someone who is neither the asker nor a coordinator', async () => {
    await askOnSlack();
    await w.send(slackReaction(bobReply, 'U0CAROL03', t(carolReply) + 1000));
    expect((await threads())[0]!.harvested_at).toBeNull();
    expect((await search('buddy')).hits).toHaveLength(0);
  });

  it('accepts a ✅ by a coordinator of the community, and ignores other emoji', async () => {
    await w.makeCoordinator(w.community, slackUser('U0COORD05'), 'coord');
    await askOnSlack();
    await w.send(slackReaction(carolReply, 'U0ASKER01', t(carolReply) + 1000, 'thumbsup'));
    expect((await threads())[0]!.harvested_at).toBeNull();
    await w.send(slackReaction(carolReply, 'U0COORD05', t(carolReply) + 1000));
    expect((await threads())[0]!.answer_message_id).toBe(carolReply);
  });

  it('changes nothing when Slack redelivers every event', async () => {
    const events = [
      slackMessage(root, 'U0ASKER01', 'Where do you find schools to visit?'),
      slackMessage(bobReply, 'U0BOB0002', 'The county education office keeps a list.', { threadTs: root }),
      slackReaction(bobReply, 'U0ASKER01', t(bobReply) + 1000),
    ];
    for (const event of [...events, ...events, ...events]) await w.send(event);
    expect(await threads()).toHaveLength(1);
    expect(await messages()).toHaveLength(2);
    expect(w.slack.posts.filter((p) => p.threadId === root)).toHaveLength(2);
    expect((await search('county office')).hits).toHaveLength(1);
  });

  it('moves the answer to a newer ✅, and a redelivered older ✅ does not move it back', async () => {
    await askOnSlack();
    const older = slackReaction(bobReply, 'U0ASKER01', t(carolReply) + 1000);
    await w.send(older);
    await w.send(slackReaction(carolReply, 'U0ASKER01', t(carolReply) + 2000));
    expect((await threads())[0]!.answer_message_id).toBe(carolReply);
    await w.send(older);
    expect((await threads())[0]!.answer_message_id).toBe(carolReply);
    expect((await messages()).map((m) => m.role)).toEqual(['question', 'reply', 'answer']);
    expect(w.slack.posts.filter((p) => p.text.includes('harvested'))).toHaveLength(1);
  });

  it('counts a ✅ that arrives before the reply it marks', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'Which kits work for ten-year-olds?'));
    await w.send(slackReaction(bobReply, 'U0ASKER01', t(bobReply) + 1000));
    expect((await threads())[0]!.harvested_at).toBeNull();
    await w.send(slackMessage(bobReply, 'U0BOB0002', 'The micro:bit starter kits.', { threadTs: root }));
    expect((await threads())[0]!.answer_message_id).toBe(bobReply);
    expect(await w.db.selectFrom('harvest_pending_mark').selectAll().execute()).toHaveLength(0);
  });

  it('updates a harvested message when it is edited and removes it, and its search hit, when deleted', async () => {
    await askOnSlack();
    await w.send(slackReaction(bobReply, 'U0ASKER01', t(bobReply) + 1000));
    await w.send({ kind: 'edited', channel: slackHome, messageId: bobReply, text: 'Give every volunteer a mentor.', at: t(bobReply) + 9000 });
    expect((await search('buddy')).hits).toHaveLength(0);
    expect((await search('mentor')).hits[0]).toMatchObject({ role: 'answer', text: 'Give every volunteer a mentor.' });

    await w.send({ kind: 'deleted', channel: slackHome, messageId: bobReply });
    expect((await search('mentor')).hits).toHaveLength(0);
    expect((await messages()).map((m) => m.message_id)).toEqual([root, carolReply]);

    await w.send({ kind: 'deleted', channel: slackHome, messageId: root });
    expect(await threads()).toHaveLength(0);
    expect(await messages()).toHaveLength(0);
    expect((await search('thank')).hits).toHaveLength(0);
    // SQLite's index is kept by triggers, so it is checked too; PostgreSQL's is a generated column of the row itself.
    if (testEngine === 'sqlite') await sql`insert into harvest_fts(harvest_fts, rank) values ('integrity-check', 0)`.execute(w.db);
  });

  it('never stores the messages of someone with privacy off', async () => {
    const private1 = await w.member(slackUser('U0PRIV006'), 'quiet');
    await w.db.updateTable('member').set({ privacy_on: 0 }).where('id', '=', private1.id).execute();
    await w.send(slackMessage('1732350500.000900', 'U0PRIV006', 'Does anyone have a risk assessment template?'));
    await askOnSlack();
    await w.send(slackMessage('1732350600.001000', 'U0PRIV006', 'I keep mine in the shared drive.', { threadTs: root }));
    expect(await threads()).toHaveLength(1);
    const stored = await messages();
    expect(stored.map((m) => m.member_id)).not.toContain(private1.id);
    expect(stored.some((m) => m.text.includes('risk') || m.text.includes('shared drive'))).toBe(false);
  });

  it('ignores statements, replies to them, and other channels', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'We ran a taster day last week.'));
    await w.send(slackMessage(bobReply, 'U0BOB0002', 'Great, how did it go?', { threadTs: root }));
    const elsewhere = slackMessage('1732351000.000100', 'U0ASKER01', 'Anyone here?');
    if (elsewhere.kind === 'message') await w.send({ kind: 'message', message: { ...elsewhere.message, channel: { ...slackHome, channelId: 'C0OTHER99' } } });
    expect(await threads()).toHaveLength(0);
    expect(w.slack.posts).toHaveLength(0);
  });

  it('stores no more replies once the community has linked another home channel', async () => {
    await askOnSlack();
    const community = await w.db.selectFrom('community').selectAll().executeTakeFirstOrThrow();
    await linkHomeChannel(w.db, community, { ...slackHome, channelId: 'C0NEWHOME' }, w.clock.now());
    await w.send(slackMessage('1732350180.000400', 'U0DAN0004', 'We pair them with a regular.', { threadTs: root }));
    expect((await messages()).map((m) => m.message_id)).toEqual([root, bobReply, carolReply]);
  });
});

describe('harvesting on Discord with the “Harvest answer” action', () => {
  const rootId = '1187654321098765432';
  const replyId = '1187654321098765499';
  const asker = '290926444748734465';
  const helper = '290926444748734466';

  async function askOnDiscord() {
    const at = w.clock.now();
    await w.send(discordMessage(rootId, asker, 'What is a good first project for a maker club?', at));
    await w.send(discordMessage(replyId, helper, 'A blinking LED badge: cheap and everyone takes one home.', at + 60_000, rootId));
  }
  const action = (user: string, messageId: string) =>
    w.send({ kind: 'mark-answer', channel: discordHome, messageId, threadId: rootId, user: discordUser(user), at: w.clock.now() });

  it('harvests and tells the actor; redoing it says it is already the answer', async () => {
    await askOnDiscord();
    const [reply] = await action(asker, replyId);
    expect(reply!.refusal).toBeUndefined();
    expect(reply!.body.join('')).toContain('Harvested');
    expect((await search('blinking badge')).hits[0]).toMatchObject({ role: 'answer' });
    expect(w.discord.posts.filter((p) => p.threadId === rootId)).toHaveLength(2);
    const [again] = await action(asker, replyId);
    expect(again!.body.join('')).toContain('already');
  });

  it('harvests on a ✅ reaction, and follows edits and deletions', async () => {
    await askOnDiscord();
    const reaction = {
      kind: 'reaction',
      channel: discordHome,
      messageId: replyId,
      threadId: rootId,
      user: discordUser(asker),
      emoji: 'white_check_mark',
      at: w.clock.now(),
    } as const;
    await w.send(reaction);
    await w.send(reaction);
    expect((await search('blinking')).hits).toHaveLength(1);
    await w.send({ kind: 'edited', channel: discordHome, messageId: replyId, text: 'A glowing name badge.', at: w.clock.now() });
    expect((await search('blinking')).hits).toHaveLength(0);
    expect((await search('glowing badge')).hits[0]).toMatchObject({ role: 'answer' });
    await w.send({ kind: 'deleted', channel: discordHome, messageId: replyId });
    expect((await search('glowing')).hits).toHaveLength(0);
  });

  it('refuses someone else, the question itself, and a message outside a question thread', async () => {
    await askOnDiscord();
    expect((await action(helper, replyId))[0]!.refusal).toBe('NotAllowed');
    expect((await action(asker, rootId))[0]!.refusal).toBe('IsQuestion');
    expect((await action(asker, '1187654321098769999'))[0]!.refusal).toBe('NotAReply');
    const elsewhere = await w.send({
      kind: 'mark-answer',
      channel: { ...discordHome, channelId: '1999999999999999999' },
      messageId: replyId,
      user: discordUser(asker),
      at: 0,
    });
    expect(elsewhere[0]!.refusal).toBe('NotHomeChannel');
    expect((await threads())[0]!.harvested_at).toBeNull();
  });
});

describe('/cop ask', () => {
  it('posts the question as a thread root in the home channel and follows it', async () => {
    const reply = await w.runAs(slackUser('U0ASKER01'), 'ask outreach How do you budget for a science fair');
    expect(reply.refusal).toBeUndefined();
    const [post, hint] = w.slack.posts;
    expect(post).toMatchObject({ channelId: slackHome.channelId, threadId: undefined });
    expect(post!.text).toContain('How do you budget for a science fair');
    expect(hint).toMatchObject({ threadId: post!.messageId });
    const [thread] = await threads();
    expect(thread).toMatchObject({ source: 'ask', root_message_id: post!.messageId });

    await w.send(slackMessage('1732400100.000100', 'U0BOB0002', 'Ask local firms to sponsor prizes.', { threadTs: post!.messageId }));
    await w.send(slackReaction('1732400100.000100', 'U0ASKER01', w.clock.now()));
    expect((await search('sponsor prizes')).hits[0]).toMatchObject({ role: 'answer' });
    expect((await search('budget science fair')).hits[0]).toMatchObject({ role: 'question' });
  });

  it('is not followed twice when Slack echoes the bot’s own post of the question', async () => {
    await w.runAs(slackUser('U0ASKER01'), 'ask outreach Can we share a van for school visits?');
    const posted = w.slack.posts[0]!;
    await w.send(slackMessage(posted.messageId, 'U0WEAVERBOT', 'Question from @U0ASKER01: Can we share a van for school visits?'));
    const all = await threads();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ source: 'ask' });
    expect(await messages()).toHaveLength(1);
    expect(await w.db.selectFrom('member').selectAll().where('user_id', '=', 'U0WEAVERBOT').execute()).toHaveLength(0);
  });

  it('says so, and how to link one, when the community has no home channel here', async () => {
    await createCommunity(w.db, { slug: 'makers', name: 'Makers' }, w.clock.now());
    const reply = await w.runAs(slackUser('U0ASKER01'), 'ask makers Where do we buy solder?');
    expect(reply.refusal).toBe('NoHomeChannel');
    expect(reply.text).toContain('/cop link makers');
  });
});
