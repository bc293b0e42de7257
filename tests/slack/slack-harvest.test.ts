import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fakeBot, fakeTeam, type ApiCall } from '../fakes/slack-api.js';
import { buttonsOf, people, rooms, startSlackWorld, textOf, type SlackWorld } from './slack-world.js';

// Harvesting through the real Bolt app: Events API deliveries shaped as Slack documents them (docs.slack.dev/reference/events),
// slash commands and the Harvest answer shortcut, one story on one running Weaver.

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld();
});
afterAll(async () => world?.close());
// Each test starts from an empty database and builds what it needs with the given… steps below.
beforeEach(async () => world.reset());

const home = rooms.general;
const db = () => world.weaver.services.db;

/** A member's `message` event in the home channel; a reply carries the thread's root `thread_ts`. */
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
    client_msg_id: `c-${ts}`,
    blocks: [{ type: 'rich_text', block_id: 'b', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }],
    ...(threadTs ? { thread_ts: threadTs, parent_user_id: people.ann.id } : {}),
  };
}

/** Slack sends the bot's own posts back as message events, with its bot_id and the ts chat.postMessage answered. */
function echoOf(call: ApiCall): Record<string, unknown> {
  const ts = String(call.answer?.ts);
  return {
    type: 'message',
    channel: home.id,
    channel_type: 'channel',
    user: fakeBot.userId,
    bot_id: fakeBot.botId,
    app_id: 'A0WEAVER',
    team: fakeTeam.id,
    text: call.params.text,
    ts,
    event_ts: ts,
    ...(call.params.thread_ts ? { thread_ts: call.params.thread_ts } : {}),
  };
}

function reaction(user: { id: string }, ts: string, at: string, name = 'white_check_mark'): Record<string, unknown> {
  return { type: 'reaction_added', user: user.id, reaction: name, item_user: people.bob.id, item: { type: 'message', channel: home.id, ts }, event_ts: at };
}

/** Posts in a thread by the bot, with the ts the fake gave them. */
function botPostsIn(threadTs: string): ApiCall[] {
  return world.fake.callsTo('chat.postMessage').filter((call) => call.params.thread_ts === threadTs);
}

async function count(table: 'harvest_thread' | 'harvest_message' | 'harvest_pending_mark' | 'member' | 'membership' | 'practice'): Promise<number> {
  return Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

const question = { ts: '1763893000.000100', text: 'How do you keep volunteers coming back after their first event?' };
const bobReply = { ts: '1763893060.000200', text: 'We send a thank-you postcard with photos from the day.' };
const carolReply = { ts: '1763893120.000300', text: 'A buddy system: each newcomer is paired with a regular volunteer.' };

/** outreach, coordinated by bob, with its home channel here. */
async function givenLinked(): Promise<void> {
  await world.ask(people.admin, 'create outreach "STEM Outreach"');
  await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>');
  await world.cop(people.admin, 'link outreach', home);
  await world.fake.waitForCall('chat.postMessage', (call) => textOf(call).includes('is now the home channel'));
  await world.idle();
}

/** ann's question, with replies by bob and carol in its thread. */
async function givenQuestionWithTwoReplies(): Promise<void> {
  await givenLinked();
  await world.event(said(people.ann, question.text, question.ts));
  await world.event(said(people.bob, bobReply.text, bobReply.ts, question.ts));
  await world.event(said(people.carol, carolReply.text, carolReply.ts, question.ts));
}

/** The thread harvested: ann marked bob's reply with ✅. */
async function givenHarvested(): Promise<void> {
  await givenQuestionWithTwoReplies();
  await world.event(reaction(people.ann, bobReply.ts, '1763893260.000100'));
}

/** Harvested, then ann marked carol's reply instead with the Harvest answer action. */
async function givenCarolsReplyMarked(): Promise<void> {
  await givenHarvested();
  const sent = await world.harvest(people.ann, { ts: carolReply.ts, user: people.carol.id, text: carolReply.text, thread_ts: question.ts }, home);
  await sent.answer();
}

const bobEdited = 'We send a thank-you postcard and a certificate signed by the head teacher.';

/** Harvested, and bob edited his reply. */
async function givenBobEditedHisReply(): Promise<void> {
  await givenHarvested();
  await world.event(edited(people.bob, bobReply.ts, bobEdited, bobReply.text));
}

const riskQuestion = { ts: '1763894000.000100', text: 'Which risk assessment template do you use for school visits?' };
const riskReply = { ts: '1763894060.000200', text: 'The county council one, it covers transport too.' };
const broadcastTs = '1763894100.000300';

/** dave's question, marked with ✅ before bob's reply arrived. */
async function givenRiskQuestionAnswered(): Promise<void> {
  await givenLinked();
  await world.event(said(people.dave, riskQuestion.text, riskQuestion.ts));
  await world.event(reaction(people.dave, riskReply.ts, '1763894070.000100'));
  await world.event(said(people.bob, riskReply.text, riskReply.ts, riskQuestion.ts));
}

/** The risk question, with a second reply by carol also sent to the channel. */
async function givenRiskQuestionWithBroadcast(): Promise<void> {
  await givenRiskQuestionAnswered();
  await world.event(broadcastBy(people.carol, 'We also use the council template for museum trips.', broadcastTs, riskQuestion.ts));
}

/** Slack's `message_changed` for an edit of a reply in the question's thread. */
function edited(user: { id: string }, ts: string, text: string, previous: string): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: home.id,
    channel_type: 'channel',
    ts: '1763893400.000001',
    event_ts: '1763893400.000001',
    message: { type: 'message', user: user.id, team: fakeTeam.id, text, ts, thread_ts: question.ts, edited: { user: user.id, ts: '1763893400.000000' } },
    previous_message: { type: 'message', user: user.id, text: previous, ts, thread_ts: question.ts },
  };
}

/** A reply also sent to the channel (`thread_broadcast`). */
function broadcastBy(user: { id: string }, text: string, ts: string, threadTs: string): Record<string, unknown> {
  return { ...said(user, text, ts, threadTs), subtype: 'thread_broadcast', root: { ts: threadTs, user: people.dave.id, text: 'Which…?' } };
}

describe('harvesting on Slack, through the real Bolt app', () => {
  test('a coordinator links the home channel', async () => {
    expect(textOf(await world.ask(people.admin, 'create outreach "STEM Outreach"'))).toContain('Created STEM Outreach');
    expect(textOf(await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>'))).toContain('coordinator');
    const linked = await world.cop(people.admin, 'link outreach', home);
    expect(linked.ack.status).toBe(200);
    await world.fake.waitForCall('chat.postMessage', (call) => textOf(call).includes('is now the home channel'));
    await world.idle();
  });

  test('a question, then two replies: exactly one hint in the thread', async () => {
    await givenLinked();
    await world.event(said(people.ann, question.text, question.ts));
    expect(await count('harvest_thread')).toBe(1);
    // The hint waits for the first reply.
    expect(botPostsIn(question.ts)).toEqual([]);
    await world.event(said(people.bob, bobReply.text, bobReply.ts, question.ts));
    await world.event(said(people.carol, carolReply.text, carolReply.ts, question.ts));
    const hints = botPostsIn(question.ts);
    expect(hints).toHaveLength(1);
    expect(hints[0]!.params).toMatchObject({ channel: home.id, thread_ts: question.ts });
    expect(textOf(hints[0]!)).toContain('react ✅');
    expect(JSON.stringify(hints[0]!.params.blocks)).toContain(`<@${people.ann.id}>`);
    expect(await count('harvest_message')).toBe(3);
  });

  test('the bot’s echo of its own hint, which Slack sends back, is not taken for a reply', async () => {
    await givenQuestionWithTwoReplies();
    await world.event(echoOf(await world.fake.waitForAnswered('chat.postMessage', (call) => call.params.thread_ts === question.ts)));
    expect(await count('harvest_message')).toBe(3);
  });

  test('a ✅ by someone who neither asked nor coordinates is ignored', async () => {
    await givenQuestionWithTwoReplies();
    await world.event(reaction(people.carol, bobReply.ts, '1763893200.000100'));
    const thread = await db().selectFrom('harvest_thread').selectAll().executeTakeFirstOrThrow();
    expect(thread.harvested_at).toBeNull();
    expect(thread.answer_message_id).toBeNull();
    expect(botPostsIn(question.ts)).toHaveLength(1);
  });

  test('the asker’s ✅ harvests the reply and tells the thread', async () => {
    await givenQuestionWithTwoReplies();
    await world.event(reaction(people.ann, bobReply.ts, '1763893260.000100'));
    const thread = await db().selectFrom('harvest_thread').selectAll().executeTakeFirstOrThrow();
    expect(thread.answer_message_id).toBe(bobReply.ts);
    expect(thread.harvested_at).not.toBeNull();
    const posts = botPostsIn(question.ts);
    expect(posts).toHaveLength(2);
    expect(textOf(posts[1]!)).toContain('thread is harvested');
  });

  test('/cop search finds it, with a link to its source', async () => {
    await givenHarvested();
    const found = await world.ask(people.dave, 'search postcard photos');
    const text = textOf(found);
    expect(text).toContain('thank-you postcard');
    expect(text).toContain(`https://weaver-test.slack.com/archives/${home.id}/p1763893060000200?thread_ts=${question.ts}&cid=${home.id}`);
    expect(JSON.stringify(found.body.blocks)).toContain(
      `<https://weaver-test.slack.com/archives/${home.id}/p1763893060000200?thread_ts=${question.ts}&amp;cid=${home.id}|`,
    );
  });

  test('the same event redelivered with X-Slack-Retry-Num changes nothing', async () => {
    await givenHarvested();
    const later = { ts: '1763893300.000400', text: 'Also: a WhatsApp group for the regulars, <@U0BOB> runs it (see <#C0GENERAL|general>).' };
    const eventId = await world.event(said(people.carol, later.text, later.ts, question.ts));
    const before = { threads: await count('harvest_thread'), messages: await count('harvest_message'), posts: world.fake.callsTo('chat.postMessage').length };
    expect(before.messages).toBe(4);
    // Slack sends a mention as the user's id; it is stored as people read it.
    expect((await db().selectFrom('harvest_message').select('text').where('message_id', '=', later.ts).executeTakeFirstOrThrow()).text).toBe(
      'Also: a WhatsApp group for the regulars, @bob runs it (see #general).',
    );
    await world.event(said(people.carol, later.text, later.ts, question.ts), { eventId, retryNum: 1 });
    // The same ✅ sent again (Slack sends a new event when a reaction is removed and added back).
    await world.event(reaction(people.ann, bobReply.ts, '1763893260.000100'));
    expect({ threads: await count('harvest_thread'), messages: await count('harvest_message'), posts: world.fake.callsTo('chat.postMessage').length }).toEqual(
      before,
    );
  });

  test('Harvest answer by the asker marks another reply instead', async () => {
    await givenHarvested();
    const sent = await world.harvest(people.ann, { ts: carolReply.ts, user: people.carol.id, text: carolReply.text, thread_ts: question.ts }, home);
    expect(sent.ack.status).toBe(200);
    const answer = await sent.answer();
    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer)).toContain('now the marked answer');
    const thread = await db().selectFrom('harvest_thread').selectAll().executeTakeFirstOrThrow();
    expect(thread.answer_message_id).toBe(carolReply.ts);
  });

  test('Harvest answer by someone else is refused, naming who may', async () => {
    await givenCarolsReplyMarked();
    const sent = await world.harvest(people.dave, { ts: bobReply.ts, user: people.bob.id, text: bobReply.text, thread_ts: question.ts }, home);
    expect(textOf(await sent.answer())).toContain('can mark the answer');
    expect((await db().selectFrom('harvest_thread').select('answer_message_id').executeTakeFirstOrThrow()).answer_message_id).toBe(carolReply.ts);
  });

  test('an edit updates the stored text and what search finds', async () => {
    await givenHarvested();
    const edited = bobEdited;
    await world.event({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: home.id,
      channel_type: 'channel',
      ts: '1763893400.000001',
      event_ts: '1763893400.000001',
      message: {
        type: 'message',
        user: people.bob.id,
        team: fakeTeam.id,
        text: edited,
        ts: bobReply.ts,
        thread_ts: question.ts,
        edited: { user: people.bob.id, ts: '1763893400.000000' },
      },
      previous_message: { type: 'message', user: people.bob.id, text: bobReply.text, ts: bobReply.ts, thread_ts: question.ts },
    });
    const stored = await db().selectFrom('harvest_message').select('text').where('message_id', '=', bobReply.ts).executeTakeFirstOrThrow();
    expect(stored.text).toBe(edited);
    expect(textOf(await world.ask(people.dave, 'search certificate'))).toContain('signed by the head teacher');
  });

  test('a deletion removes the record and its search hit', async () => {
    await givenBobEditedHisReply();
    await world.event({
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: home.id,
      channel_type: 'channel',
      ts: '1763893500.000001',
      event_ts: '1763893500.000001',
      deleted_ts: bobReply.ts,
      previous_message: { type: 'message', user: people.bob.id, text: 'whatever', ts: bobReply.ts, thread_ts: question.ts },
    });
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', '=', bobReply.ts).executeTakeFirst()).toBeUndefined();
    expect(textOf(await world.ask(people.dave, 'search certificate'))).toContain('Nothing found');
  });

  test('a ✅ that arrives before the reply it marks still counts once the reply arrives', async () => {
    await givenLinked();
    const q = { ts: '1763894000.000100', text: 'Which risk assessment template do you use for school visits?' };
    const reply = { ts: '1763894060.000200', text: 'The county council one, it covers transport too.' };
    await world.event(said(people.dave, q.text, q.ts));
    await world.event(reaction(people.dave, reply.ts, '1763894070.000100'));
    expect(await count('harvest_pending_mark')).toBe(1);
    await world.event(said(people.bob, reply.text, reply.ts, q.ts));
    const thread = await db().selectFrom('harvest_thread').selectAll().where('root_message_id', '=', q.ts).executeTakeFirstOrThrow();
    expect(thread.answer_message_id).toBe(reply.ts);
    expect(await count('harvest_pending_mark')).toBe(0);
  });

  test('a reply also sent to the channel (thread_broadcast) is a reply like any other', async () => {
    await givenRiskQuestionAnswered();
    const q = '1763894000.000100';
    const broadcast = {
      ...said(people.carol, 'We also use the council template for museum trips.', '1763894100.000300', q),
      subtype: 'thread_broadcast',
      root: { ts: q, user: people.dave.id, text: 'Which…?' },
    };
    await world.event(broadcast);
    const stored = await db().selectFrom('harvest_message').select(['role', 'harvested']).where('message_id', '=', '1763894100.000300').executeTakeFirst();
    expect(stored).toEqual({ role: 'reply', harvested: 1 });
  });

  test('a question deleted after it had replies (Slack leaves a tombstone in its place) removes its thread', async () => {
    await givenRiskQuestionWithBroadcast();
    const q = '1763894000.000100';
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', '=', q).executeTakeFirst()).toBeDefined();
    await world.event({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: home.id,
      channel_type: 'channel',
      ts: '1763894200.000001',
      event_ts: '1763894200.000001',
      message: {
        type: 'message',
        subtype: 'tombstone',
        text: 'This message was deleted.',
        user: 'USLACKBOT',
        hidden: true,
        ts: q,
        thread_ts: q,
        parent_user_id: 'USLACKBOT',
        reply_count: 2,
        reply_users_count: 2,
        latest_reply: '1763894100.000300',
        reply_users: [people.bob.id, people.carol.id],
        is_locked: false,
        subscribed: false,
      },
      previous_message: {
        type: 'message',
        user: people.dave.id,
        text: 'Which risk assessment template do you use for school visits?',
        ts: q,
        thread_ts: q,
        reply_count: 2,
      },
    });
    expect(await db().selectFrom('harvest_thread').select('id').where('root_message_id', '=', q).executeTakeFirst()).toBeUndefined();
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', 'in', [q, '1763894060.000200', '1763894100.000300']).execute()).toEqual(
      [],
    );
    expect(textOf(await world.ask(people.bob, 'search risk assessment template'))).toContain('Nothing found');
  });

  test('a member with privacy off never has their messages stored', async () => {
    await givenQuestionWithTwoReplies();
    expect(textOf(await world.ask(people.dave, 'me privacy off'))).toContain('Harvesting is off for you (privacy off)');
    const before = await count('harvest_message');
    await world.event(said(people.dave, 'Does anyone have a spare projector for Friday?', '1763894500.000100'));
    await world.event(said(people.dave, 'Ask the council too, they lend kit.', '1763894510.000100', question.ts));
    expect(await count('harvest_message')).toBe(before);
    expect(await db().selectFrom('harvest_thread').select('id').where('root_message_id', '=', '1763894500.000100').executeTakeFirst()).toBeUndefined();
  });

  test('/cop ask posts the question as a thread root in the home channel, and replies to it are followed', async () => {
    await givenLinked();
    const answer = await world.ask(people.carol, 'ask outreach Has anyone run a coding club for parents?');
    expect(textOf(answer)).toContain('Your question is posted');
    const posted = world.fake.callsTo('chat.postMessage').find((call) => textOf(call).includes('coding club for parents'))!;
    expect(posted.params).toMatchObject({ channel: home.id });
    expect(posted.params.thread_ts).toBeUndefined();
    const thread = await db().selectFrom('harvest_thread').selectAll().where('source', '=', 'ask').executeTakeFirstOrThrow();
    // Slack echoes the bot's post: it is the thread already followed, never a second question.
    expect(posted.answer?.ts).toBe(thread.root_message_id);
    await world.event(echoOf(posted));
    expect(await db().selectFrom('harvest_thread').select('id').where('root_message_id', '=', thread.root_message_id).execute()).toHaveLength(1);
    await world.event(said(people.bob, 'Yes, on Saturday mornings in the library.', '1763895000.000100', thread.root_message_id));
    const reply = await db().selectFrom('harvest_message').selectAll().where('message_id', '=', '1763895000.000100').executeTakeFirstOrThrow();
    expect(reply).toMatchObject({ thread_id: thread.id, role: 'reply' });
    // Asked with /cop ask, the thread got its hint at once; the reply brings no second one.
    expect(botPostsIn(thread.root_message_id).map((call) => textOf(call))).toEqual([expect.stringContaining('react ✅')]);
    // A coordinator may mark the answer too.
    await world.event(reaction(people.bob, '1763895000.000100', '1763895010.000100'));
    expect((await db().selectFrom('harvest_thread').select('answer_message_id').where('id', '=', thread.id).executeTakeFirstOrThrow()).answer_message_id).toBe(
      '1763895000.000100',
    );
  });

  test('two replies delivered at the same moment still bring exactly one hint', async () => {
    await givenLinked();
    const q = '1763896000.000100';
    await world.event(said(people.carol, 'Where do you print certificates cheaply?', q));
    await Promise.all([
      world.event(said(people.bob, 'The library does it for free.', '1763896010.000100', q)),
      world.event(said(people.dave, 'Our school office, ask nicely.', '1763896010.000200', q)),
    ]);
    expect(botPostsIn(q)).toHaveLength(1);
  });

  test('/cop export uploads the Markdown to the coordinator’s direct messages, with the harvested Q&A', async () => {
    await givenCarolsReplyMarked();
    const answer = await world.ask(people.bob, 'export outreach');
    expect(textOf(answer)).toContain('is in your direct messages with Weaver');
    const complete = await world.fake.waitForCall('files.completeUploadExternal');
    expect(complete.params).toMatchObject({ channel_id: `D${people.bob.id}` });
    const requested = world.fake.callsTo('files.getUploadURLExternal').at(-1)!;
    expect(String(requested.params.filename)).toMatch(/^outreach-\d{4}-\d{2}-\d{2}\.md$/);
    const file = world.fake.uploads.at(-1)!;
    expect(Buffer.byteLength(file.content.slice(file.content.indexOf('# STEM Outreach')).replace(/\r\n-+formdata[\s\S]*$/, ''))).toBe(
      Number(requested.params.length),
    );
    expect(file.content).toContain('#### How do you keep volunteers coming back after their first event?');
    // Ann never typed a command: her name comes from users.info, not her user id.
    expect(file.content).toContain('_Asked by ann on 23 Nov 2025_');
    expect(file.content).toContain('**Answer** (carol');
    expect(file.content).toContain('A buddy system: each newcomer is paired with a regular volunteer.');
    expect(file.content).toContain(`https://weaver-test.slack.com/archives/${home.id}/p1763893120000300?thread_ts=${question.ts}&cid=${home.id}`);
  });

  test('/cop me forget, confirmed with its button, removes every trace', async () => {
    await givenCarolsReplyMarked();
    await world.ask(people.ann, 'join outreach');
    await world.ask(people.ann, 'share outreach Our volunteers keep a shared photo album.');
    const ann = await db().selectFrom('member').selectAll().where('user_id', '=', people.ann.id).executeTakeFirstOrThrow();
    const asked = await world.ask(people.ann, 'me forget');
    expect(textOf(asked)).toContain('1 membership');
    const [button] = buttonsOf(asked);
    expect(button?.value).toBe('me forget confirm:yes');
    const clicked = await world.click(people.ann, button!);
    expect(textOf(await clicked.answer())).toContain('everything Weaver stored about you is deleted');
    expect(await db().selectFrom('member').select('id').where('id', '=', ann.id).executeTakeFirst()).toBeUndefined();
    for (const table of ['membership', 'membership_change', 'practice', 'coordinator', 'rsvp'] as const) {
      expect(await db().selectFrom(table).select('member_id').where('member_id', '=', ann.id).execute()).toEqual([]);
    }
    expect(await db().selectFrom('harvest_thread').select('id').where('asker_member_id', '=', ann.id).execute()).toEqual([]);
    expect(await db().selectFrom('harvest_message').select('id').where('member_id', '=', ann.id).execute()).toEqual([]);
    expect(await db().selectFrom('harvest_thread').select('id').where('marked_by_member_id', '=', ann.id).execute()).toEqual([]);
    expect(await db().selectFrom('harvest_pending_mark').select('user_id').where('user_id', '=', people.ann.id).execute()).toEqual([]);
    // Her question went with its thread, replies included.
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', 'in', [question.ts, carolReply.ts]).execute()).toEqual([]);
    expect(textOf(await world.ask(people.bob, 'search buddy system'))).toContain('Nothing found');
  });
});
