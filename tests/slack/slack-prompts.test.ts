import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { fakeBot, fakeTeam, type ApiCall } from '../fakes/slack-api.js';
import { people, rooms, startSlackWorld, textOf, type SlackBlock, type SlackWorld } from './slack-world.js';

// Prompts and events through the real Bolt app: `/cop prompt now` posts in the home channel, replies in the prompt's
// thread (Events API `message` events with its thread_ts) become practices; an event post's RSVP buttons count clicks.

const clock = manualClock('2026-11-23T10:00:00Z');
let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ clock });
});
afterAll(async () => world?.close());
// Each test starts from an empty database and builds what it needs with the given… steps below.
beforeEach(async () => world.reset());

const home = rooms.general;
const db = () => world.weaver.services.db;

function said(user: { id: string }, text: string, ts: string, threadTs?: string): Record<string, unknown> {
  return {
    type: 'message',
    channel: home.id,
    channel_type: 'channel',
    user: user.id,
    team: fakeTeam.id,
    text,
    ts,
    event_ts: ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  };
}

/** Slack's echo of a message the bot posted: the same text and ts, with the bot's ids. */
function echoOf(call: ApiCall & { answer: Record<string, unknown> }): Record<string, unknown> {
  const ts = String(call.answer.ts);
  return {
    type: 'message',
    channel: home.id,
    channel_type: 'channel',
    user: fakeBot.userId,
    bot_id: fakeBot.botId,
    app_id: 'A0WEAVER',
    team: fakeTeam.id,
    text: call.params.text,
    blocks: call.params.blocks,
    ts,
    event_ts: ts,
  };
}

function buttonsIn(call: ApiCall): { action_id: string; value: string; text: string }[] {
  return ((call.params.blocks ?? []) as SlackBlock[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? [])
    .map((element) => ({ action_id: element.action_id ?? '', value: element.value ?? '', text: element.text?.text ?? '' }));
}

/** outreach, coordinated by bob, with its home channel here. */
async function givenOutreachLinked(): Promise<void> {
  await world.ask(people.admin, 'create outreach "STEM Outreach"');
  await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>');
  await world.cop(people.bob, 'link outreach', home);
  await world.fake.waitForCall('chat.postMessage', (call) => textOf(call).includes('is now the home channel'));
  await world.idle();
}

/** The first prompt posted in the home channel; its ts, which replies name as their thread. */
async function givenPromptPosted(): Promise<string> {
  await givenOutreachLinked();
  await world.ask(people.bob, 'prompt now outreach');
  const prompt = await world.fake.waitForAnswered('chat.postMessage', (call) => textOf(call).includes('What is a method you tried recently?'));
  return String(prompt.answer.ts);
}

const annReply = 'We tried *exit tickets* after each workshop: three lines, two minutes. Yes, again!';
const carolReply = 'Pairing new volunteers with a regular for their first two sessions.';

async function givenTwoReplies(promptTs: string): Promise<void> {
  await world.event(said(people.ann, annReply, '1795428100.000100', promptTs));
  await world.event(said(people.carol, carolReply, '1795428200.000100', promptTs));
}

/** Event #1 by bob, its post in the home channel with RSVP buttons; ann clicked Yes. */
async function givenEventAnnSaidYesTo() {
  await givenOutreachLinked();
  await world.ask(people.bob, 'event create outreach Taster day debrief 2026-12-03 14:00 duration:90');
  const post = await world.fake.waitForAnswered('chat.postMessage', (call) => textOf(call).includes('Taster day debrief') && buttonsIn(call).length > 0);
  const clicked = await world.click(people.ann, buttonsIn(post)[0]!, home, { ts: String(post.answer.ts), text: textOf(post), blocks: post.params.blocks });
  await clicked.answer();
  await world.fake.waitForCall('chat.update', (call) => call.params.ts === post.answer.ts);
  await world.idle();
  return post;
}

describe('prompts on Slack, through the real Bolt app', () => {
  test('a coordinator sets a home channel and posts the next prompt at once', async () => {
    await world.ask(people.admin, 'create outreach "STEM Outreach"');
    await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>');
    expect((await world.cop(people.bob, 'link outreach', home)).ack.status).toBe(200);
    await world.fake.waitForCall('chat.postMessage', (call) => textOf(call).includes('is now the home channel'));
    await world.idle();
    expect(textOf(await world.ask(people.bob, 'prompt now outreach'))).toContain('Replies in its thread become practices');
    const prompt = await world.fake.waitForAnswered('chat.postMessage', (call) => textOf(call).includes('What is a method you tried recently?'));
    expect(prompt.params).toMatchObject({ channel: home.id });
    expect(prompt.params.thread_ts).toBeUndefined();
    expect(textOf(prompt)).toMatch(/\?/);
  });

  test('the bot’s echo of its prompt, which ends in “?”, is never taken for a member’s question', async () => {
    const promptTs = await givenPromptPosted();
    const prompt = await world.fake.waitForAnswered('chat.postMessage', (call) => String(call.answer?.ts) === promptTs);
    await world.event(echoOf(prompt));
    // Even an echo without bot_id (Slack's older bot_message form) is the bot's.
    await world.event({ ...echoOf(prompt), subtype: 'bot_message', user: undefined, username: 'Weaver' });
    expect(await db().selectFrom('harvest_thread').select('id').execute()).toEqual([]);
    expect(await db().selectFrom('practice').select('id').execute()).toEqual([]);
  });

  test('replies in the prompt’s thread are recorded as practices of their authors, and search finds them', async () => {
    const promptTs = await givenPromptPosted();
    await givenTwoReplies(promptTs);
    const practices = await db()
      .selectFrom('practice')
      .innerJoin('member', 'member.id', 'practice.member_id')
      .select(['member.user_id', 'practice.text', 'practice.source', 'practice.permalink'])
      .orderBy('practice.id')
      .execute();
    expect(practices).toEqual([
      {
        user_id: people.ann.id,
        text: annReply,
        source: 'prompt-reply',
        permalink: `https://weaver-test.slack.com/archives/${home.id}/p1795428100000100?thread_ts=${promptTs}&cid=${home.id}`,
      },
      {
        user_id: people.carol.id,
        text: carolReply,
        source: 'prompt-reply',
        permalink: `https://weaver-test.slack.com/archives/${home.id}/p1795428200000100?thread_ts=${promptTs}&cid=${home.id}`,
      },
    ]);
    const found = textOf(await world.ask(people.dave, 'search exit tickets'));
    expect(found).toContain('exit tickets');
    expect(found).toContain(`p1795428100000100?thread_ts=${promptTs}`);
    // A reply is not a question, and the prompt is not a question thread.
    expect(await db().selectFrom('harvest_thread').select('id').execute()).toEqual([]);
  });

  test('a redelivered reply, an edit and a deletion follow the message', async () => {
    const promptTs = await givenPromptPosted();
    await givenTwoReplies(promptTs);
    const eventId = await world.event(said(people.dave, 'A shared drive of lesson plans.', '1795428300.000100', promptTs));
    await world.event(said(people.dave, 'A shared drive of lesson plans.', '1795428300.000100', promptTs), { eventId, retryNum: 1 });
    expect(await db().selectFrom('practice').select('id').execute()).toHaveLength(3);
    await world.event({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: home.id,
      channel_type: 'channel',
      ts: '1795428400.000001',
      event_ts: '1795428400.000001',
      message: {
        type: 'message',
        user: people.dave.id,
        text: 'A shared drive of lesson plans, sorted by age group.',
        ts: '1795428300.000100',
        thread_ts: promptTs,
        edited: { user: people.dave.id, ts: '1795428400.000000' },
      },
    });
    expect(textOf(await world.ask(people.ann, 'search age group'))).toContain('sorted by age group');
    await world.event({
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: home.id,
      channel_type: 'channel',
      ts: '1795428500.000001',
      event_ts: '1795428500.000001',
      deleted_ts: '1795428300.000100',
    });
    expect(await db().selectFrom('practice').select('id').execute()).toHaveLength(2);
  });
});

describe('events on Slack', () => {
  test('event create posts the event with RSVP buttons; a click on Yes records the RSVP and updates the post', async () => {
    await givenOutreachLinked();
    const created = textOf(await world.ask(people.bob, 'event create outreach Taster day debrief 2026-12-03 14:00 duration:90'));
    expect(created).toContain('Created event #1');
    const post = await world.fake.waitForAnswered('chat.postMessage', (call) => textOf(call).includes('Taster day debrief') && buttonsIn(call).length > 0);
    expect(post.params.channel).toBe(home.id);
    const buttons = buttonsIn(post);
    expect(buttons.map((b) => b.text)).toEqual(['Yes (0)', 'Maybe (0)', 'No (0)']);
    const clicked = await world.click(people.ann, buttons[0]!, home, { ts: String(post.answer.ts), text: textOf(post), blocks: post.params.blocks });
    expect(clicked.ack.status).toBe(200);
    expect(textOf(await clicked.answer())).toMatch(/yes/i);
    const rsvps = await db().selectFrom('rsvp').innerJoin('member', 'member.id', 'rsvp.member_id').select(['member.user_id', 'rsvp.answer']).execute();
    expect(rsvps).toEqual([{ user_id: people.ann.id, answer: 'yes' }]);
    const update = await world.fake.waitForCall('chat.update', (call) => call.params.ts === post.answer.ts);
    expect(update.params.channel).toBe(home.id);
    expect(buttonsIn(update).map((b) => b.text)).toEqual(['Yes (1)', 'Maybe (0)', 'No (0)']);
    expect(textOf(update)).toContain('Going: 1 yes');
  });

  test('a member who is forgotten no longer counts on the event post', async () => {
    const post = await givenEventAnnSaidYesTo();
    const updates = world.fake.callsTo('chat.update').length;
    const asked = await world.ask(people.ann, 'me forget');
    const clicked = await world.click(people.ann, { action_id: 'cop_button_0', value: 'me forget confirm:yes' }, home);
    expect(textOf(await clicked.answer())).toContain('is deleted');
    expect(textOf(asked)).toContain('It cannot be undone');
    expect(await db().selectFrom('rsvp').select('member_id').execute()).toEqual([]);
    await world.idle();
    const update = world.fake
      .callsTo('chat.update')
      .slice(updates)
      .find((call) => call.params.ts === post.answer.ts);
    expect(update && buttonsIn(update).map((b) => b.text)).toEqual(['Yes (0)', 'Maybe (0)', 'No (0)']);
  });
});
