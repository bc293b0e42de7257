import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../fakes/discord-api.js';
import { buttonClick, harvestAnswer, messagePayload } from '../fakes/discord-payloads.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { botUser, ids, memberPayload, people, userPayload, type Person } from '../fakes/discord-world.js';

// Harvesting through a real discord.js client on the fake gateway: MESSAGE_CREATE in threads of the home channel,
// MESSAGE_UPDATE, MESSAGE_DELETE, MESSAGE_REACTION_ADD, the "Harvest answer" context menu and /cop interactions.

let discord: DiscordSession;
beforeAll(async () => {
  discord = await startWeaverOnFakeDiscord();
});
afterAll(async () => discord?.stop());
// Each test starts from an empty database and builds what it needs with the given… steps below.
beforeEach(async () => discord.reset());

const db = () => discord.weaver.services.db;
const guild = ids.guild;
const home = ids.homeChannel;

type Message = Awaited<ReturnType<DiscordSession['say']>>;

const textOf = (data: { content?: string; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }) =>
  [data.content, ...(data.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])]
    .filter(Boolean)
    .join('\n');

const startThread = (on: Message, by: Person) => discord.startThread(on, by);

async function react(person: Person, message: { id: string; channel_id: string }, emoji = '✅'): Promise<void> {
  discord.fake.gateway.dispatch('MESSAGE_REACTION_ADD', {
    user_id: person.id,
    channel_id: message.channel_id,
    message_id: message.id,
    guild_id: guild,
    member: memberPayload(person),
    emoji: { id: null, name: emoji },
    type: 0,
    burst: false,
    message_author_id: people.bob.id,
  });
  await discord.settle();
}

/** The bot's posts in a channel or thread, from the fake's record of REST calls. */
const botPostsIn = (channelId: string): RecordedCall[] =>
  discord.fake.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages` && call.status === 200);

async function count(table: 'harvest_thread' | 'harvest_message' | 'harvest_pending_mark'): Promise<number> {
  return Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

let question: Message;
let bobReply: Message;
let carolReply: Message;

/** outreach, coordinated by bob, with its home channel here. */
async function givenLinked(): Promise<void> {
  await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
  await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.bob } });
  await discord.cop(people.owner, ['link'], { community: 'outreach' });
}

/** ann's question, a thread on it, and replies by bob and carol there. */
async function givenQuestionWithTwoReplies(): Promise<void> {
  await givenLinked();
  question = await discord.say(people.ann, 'How do you keep volunteers coming back after their first event?');
  await startThread(question, people.bob);
  bobReply = await discord.say(people.bob, 'We send a thank-you postcard with photos from the day.', question.id);
  carolReply = await discord.say(people.carol, 'A buddy system: each newcomer is paired with a regular volunteer.', question.id);
}

/** The thread harvested: ann marked bob's reply with ✅. */
async function givenHarvested(): Promise<void> {
  await givenQuestionWithTwoReplies();
  await react(people.ann, bobReply);
}

/** Harvested, then ann marked carol's reply instead with the Harvest answer action. */
async function givenCarolsReplyMarked(): Promise<void> {
  await givenHarvested();
  await discord.interact(harvestAnswer(people.ann, carolReply, home));
  await discord.settle();
}

const bobEdited = 'We send a thank-you postcard and a certificate signed by the head teacher.';

/** Harvested, and bob edited his reply. */
async function givenBobEditedHisReply(): Promise<void> {
  await givenHarvested();
  discord.fake.gateway.dispatch('MESSAGE_UPDATE', { ...bobReply, content: bobEdited, edited_timestamp: '2026-11-23T10:05:00.000Z' });
  await discord.settle();
}

describe('harvesting on Discord, through a real discord.js client', () => {
  it('a coordinator links the home channel', async () => {
    expect((await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' })).data.content).toContain('Created');
    expect((await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.bob } })).data.content).toContain('coordinator');
    expect((await discord.cop(people.owner, ['link'], { community: 'outreach' })).data.content).toContain('is now the home channel');
  });

  it('a question, a thread on it and two replies: exactly one hint, in the thread', async () => {
    await givenLinked();
    question = await discord.say(people.ann, 'How do you keep volunteers coming back after their first event?');
    expect(await count('harvest_thread')).toBe(1);
    await startThread(question, people.bob);
    expect(botPostsIn(question.id)).toEqual([]);
    bobReply = await discord.say(people.bob, 'We send a thank-you postcard with photos from the day.', question.id);
    carolReply = await discord.say(people.carol, 'A buddy system: each newcomer is paired with a regular volunteer.', question.id);
    const hints = botPostsIn(question.id);
    expect(hints).toHaveLength(1);
    expect(hints[0]!.body.content).toContain('react ✅');
    expect(hints[0]!.body.content).toContain(`<@${ids.ann}>`);
    expect(hints[0]!.body.allowed_mentions).toEqual({ parse: [] });
    expect(await count('harvest_message')).toBe(3);
  });

  it('the bot’s own messages in the thread are not replies', async () => {
    await givenQuestionWithTwoReplies();
    await discord.say(people.bob, 'ignored', question.id, { author: { ...botUser }, member: undefined, content: 'When a reply answers this…?' });
    expect(await count('harvest_message')).toBe(3);
  });

  it('a ✅ by someone who neither asked nor coordinates is ignored', async () => {
    await givenQuestionWithTwoReplies();
    await react(people.carol, bobReply);
    const thread = await db().selectFrom('harvest_thread').selectAll().executeTakeFirstOrThrow();
    expect(thread.harvested_at).toBeNull();
    expect(botPostsIn(question.id)).toHaveLength(1);
  });

  it('the asker’s ✅ harvests the reply and tells the thread', async () => {
    await givenQuestionWithTwoReplies();
    await react(people.ann, bobReply);
    const thread = await db().selectFrom('harvest_thread').selectAll().executeTakeFirstOrThrow();
    expect(thread.answer_message_id).toBe(bobReply.id);
    const posts = botPostsIn(question.id);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body.content).toContain('thread is harvested');
  });

  it('/cop search finds it, with a link to its source', async () => {
    await givenHarvested();
    const { data } = await discord.cop(people.dave, ['search'], { query: 'postcard photos' });
    expect(textOf(data)).toContain('We send a thank-you **postcard** with **photos** from the day.');
    expect(textOf(data)).toContain(`https://discord.com/channels/${guild}/${question.id}/${bobReply.id}`);
  });

  it('the same MESSAGE_CREATE replayed after a RESUME changes nothing', async () => {
    await givenHarvested();
    const later = await discord.say(people.carol, `Also: a group chat for the regulars, <@${ids.bob}> runs it (see <#${home}>).`, question.id, {
      mentions: [userPayload(people.bob)],
    });
    // Discord sends a mention as the user's id; it is stored as people read it.
    expect((await db().selectFrom('harvest_message').select('text').where('message_id', '=', later.id).executeTakeFirstOrThrow()).text).toBe(
      'Also: a group chat for the regulars, @Bob runs it (see #outreach).',
    );
    const posts = () => discord.fake.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/channels/')).length;
    const before = { threads: await count('harvest_thread'), messages: await count('harvest_message'), posts: posts() };
    expect(before.messages).toBe(4);
    const resumesBefore = discord.fake.gateway.resumes;
    const resumed = discord.fake.gateway.waitFor('resumed');
    discord.fake.gateway.closeConnection(4000);
    // Sent while the bot is away, so Discord replays it on RESUME; and once more afterwards, as a duplicate delivery.
    discord.fake.gateway.dispatch('MESSAGE_CREATE', later);
    await resumed;
    discord.fake.gateway.dispatch('MESSAGE_CREATE', later);
    await discord.settle();
    expect(discord.fake.gateway.resumes).toBe(resumesBefore + 1);
    expect({ threads: await count('harvest_thread'), messages: await count('harvest_message'), posts: posts() }).toEqual(before);
  });

  it('Harvest answer by the asker marks another reply instead', async () => {
    await givenHarvested();
    const callback = await discord.interact(harvestAnswer(people.ann, carolReply, home));
    expect(callback.body.data.content).toContain('now the marked answer');
    expect(callback.body.data.flags).toBe(64);
    expect((await db().selectFrom('harvest_thread').select('answer_message_id').executeTakeFirstOrThrow()).answer_message_id).toBe(carolReply.id);
  });

  it('a ✅ taken back and given again marks that reply again', async () => {
    await givenCarolsReplyMarked();
    discord.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE', {
      user_id: ids.ann,
      channel_id: question.id,
      message_id: bobReply.id,
      guild_id: guild,
      emoji: { id: null, name: '✅' },
      type: 0,
      burst: false,
    });
    await react(people.ann, bobReply);
    expect((await db().selectFrom('harvest_thread').select('answer_message_id').executeTakeFirstOrThrow()).answer_message_id).toBe(bobReply.id);
    await discord.interact(harvestAnswer(people.ann, carolReply, home));
    await discord.settle();
    expect((await db().selectFrom('harvest_thread').select('answer_message_id').executeTakeFirstOrThrow()).answer_message_id).toBe(carolReply.id);
  });

  it('an edit updates the stored text and what search finds', async () => {
    await givenHarvested();
    const edited = bobEdited;
    discord.fake.gateway.dispatch('MESSAGE_UPDATE', { ...bobReply, content: edited, edited_timestamp: '2026-11-23T10:05:00.000Z' });
    await discord.settle();
    const stored = await db().selectFrom('harvest_message').select('text').where('message_id', '=', bobReply.id).executeTakeFirstOrThrow();
    expect(stored.text).toBe(edited);
    expect(textOf((await discord.cop(people.dave, ['search'], { query: 'certificate' })).data)).toContain('signed by the head teacher');
  });

  it('a deletion removes the record and its search hit', async () => {
    await givenBobEditedHisReply();
    discord.fake.gateway.dispatch('MESSAGE_DELETE', { id: bobReply.id, channel_id: question.id, guild_id: guild });
    await discord.settle();
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', '=', bobReply.id).executeTakeFirst()).toBeUndefined();
    expect(textOf((await discord.cop(people.dave, ['search'], { query: 'certificate' })).data)).toContain('Nothing found');
  });

  it('a bulk deletion (a moderator’s purge) removes each message', async () => {
    await givenLinked();
    const q = await discord.say(people.carol, 'Who has a contact at the science museum?');
    await discord.startThread(q, people.bob);
    const one = await discord.say(people.bob, 'I do: ask for the learning team.', q.id);
    const two = await discord.say(people.ann, 'Their schools officer is lovely.', q.id);
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', 'in', [one.id, two.id]).execute()).toHaveLength(2);
    discord.fake.gateway.dispatch('MESSAGE_DELETE_BULK', { ids: [one.id, two.id], channel_id: q.id, guild_id: guild });
    await discord.settle();
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', 'in', [one.id, two.id]).execute()).toEqual([]);
  });

  it('a ✅ on a message not yet seen (uncached, out of order) counts once the message arrives', async () => {
    await givenLinked();
    const q = await discord.say(people.dave, 'Which risk assessment template do you use for school visits?');
    await startThread(q, people.bob);
    const reply = {
      ...messagePayload(people.bob, 'The county council one, it covers transport too.', { channel_id: q.id }),
      member: memberPayload(people.bob),
    };
    await react(people.dave, reply);
    expect(await count('harvest_pending_mark')).toBe(1);
    discord.fake.channels.get(q.id)!.messages.push(reply);
    discord.fake.gateway.dispatch('MESSAGE_CREATE', reply);
    await discord.settle();
    expect(
      (await db().selectFrom('harvest_thread').select('answer_message_id').where('root_message_id', '=', q.id).executeTakeFirstOrThrow()).answer_message_id,
    ).toBe(reply.id);
  });

  it('an inline reply (message_reference) to a question is a reply in its thread', async () => {
    await givenLinked();
    const q = await discord.say(people.ann, 'Has anyone borrowed microscopes from the university?');
    const reference = { type: 0, message_id: q.id, channel_id: home, guild_id: guild };
    const reply = await discord.say(people.bob, 'Yes, ask for the outreach officer; they lend ten at a time.', home, {
      type: 19,
      message_reference: reference,
      referenced_message: q,
    });
    const thread = await db().selectFrom('harvest_thread').selectAll().where('root_message_id', '=', q.id).executeTakeFirstOrThrow();
    expect(await db().selectFrom('harvest_message').select(['thread_id', 'role']).where('message_id', '=', reply.id).executeTakeFirst()).toEqual({
      thread_id: thread.id,
      role: 'reply',
    });
    // A reply to that reply is still in the conversation the question started.
    const onReply = { type: 0, message_id: reply.id, channel_id: home, guild_id: guild };
    const second = await discord.say(people.carol, 'And they deliver, if you ask a week ahead.', home, {
      type: 19,
      message_reference: onReply,
      referenced_message: reply,
    });
    expect(await db().selectFrom('harvest_message').select(['thread_id', 'role']).where('message_id', '=', second.id).executeTakeFirst()).toEqual({
      thread_id: thread.id,
      role: 'reply',
    });
    // The hint opens a thread on the question, where the rest of the conversation can go.
    expect(botPostsIn(q.id)).toHaveLength(1);
  });

  it('a member with privacy off never has their messages stored', async () => {
    await givenQuestionWithTwoReplies();
    expect((await discord.cop(people.dave, ['me', 'privacy'], { setting: 'off' })).data.content).toContain('Harvesting is off for you (privacy off)');
    const before = await count('harvest_message');
    const q = await discord.say(people.dave, 'Does anyone have a spare projector for Friday?');
    await discord.say(people.dave, 'Ask the council too, they lend kit.', question.id);
    expect(await count('harvest_message')).toBe(before);
    expect(await db().selectFrom('harvest_thread').select('id').where('root_message_id', '=', q.id).executeTakeFirst()).toBeUndefined();
  });

  it('/cop ask posts the question as a message in the home channel, and replies in its thread are followed', async () => {
    await givenLinked();
    const { data } = await discord.cop(people.carol, ['ask'], { community: 'outreach', question: 'Has anyone run a coding club for parents?' });
    expect(data.content).toContain('Your question is posted');
    const posted = botPostsIn(home).find((call) => String(call.body.content).includes('coding club for parents'))!;
    expect(posted).toBeDefined();
    const thread = await db().selectFrom('harvest_thread').selectAll().where('source', '=', 'ask').executeTakeFirstOrThrow();
    // The hint opened a thread on the question; Discord sends the bot's own post back, which is no new question.
    expect(discord.fake.channels.get(thread.root_message_id)?.type).toBe(11);
    discord.fake.gateway.dispatch(
      'MESSAGE_CREATE',
      discord.fake.channels.get(home)!.messages.find((m) => m.id === thread.root_message_id),
    );
    const reply = await discord.say(people.bob, 'Yes, on Saturday mornings in the library.', thread.root_message_id);
    expect(await db().selectFrom('harvest_thread').select('id').where('source', '=', 'ask').execute()).toHaveLength(1);
    expect(await db().selectFrom('harvest_message').select(['thread_id', 'role']).where('message_id', '=', reply.id).executeTakeFirst()).toEqual({
      thread_id: thread.id,
      role: 'reply',
    });
    expect(botPostsIn(thread.root_message_id).map((call) => call.body.content)).toEqual([expect.stringContaining('react ✅')]);
    // A coordinator may mark the answer too.
    await react(people.bob, reply);
    expect((await db().selectFrom('harvest_thread').select('answer_message_id').where('id', '=', thread.id).executeTakeFirstOrThrow()).answer_message_id).toBe(
      reply.id,
    );
  });

  it('/cop export arrives as a Markdown attachment with the harvested Q&A', async () => {
    await givenCarolsReplyMarked();
    const { callback } = await discord.cop(people.bob, ['export'], { community: 'outreach' });
    expect(callback.files).toEqual([expect.stringMatching(/^outreach-\d{4}-\d{2}-\d{2}\.md$/)]);
    const file = callback.uploads[0]!.content;
    expect(file).toContain('#### How do you keep volunteers coming back after their first event?');
    expect(file).toContain('A buddy system: each newcomer is paired with a regular volunteer.');
    expect(file).toContain(`https://discord.com/channels/${guild}/${question.id}/${carolReply.id}`);
    expect(callback.body.data.flags).toBe(64);
  });

  it('/cop me forget, confirmed with its button, removes every trace', async () => {
    await givenCarolsReplyMarked();
    await discord.cop(people.ann, ['join'], { community: 'outreach' });
    await discord.cop(people.ann, ['share'], { community: 'outreach', text: 'Our volunteers keep a shared photo album.' });
    const ann = await db().selectFrom('member').selectAll().where('user_id', '=', ids.ann).executeTakeFirstOrThrow();
    const { data } = await discord.cop(people.ann, ['me', 'forget']);
    expect(data.content).toContain('1 membership');
    const button = data.components?.[0]?.components?.[0] as { custom_id: string };
    expect(button.custom_id).toBe('cop:me forget confirm:yes');
    const click = await discord.interact(
      buttonClick(people.ann, button.custom_id, { ...messagePayload({ id: botUser.id, username: 'Weaver', bot: true }, data.content), flags: 64 }),
    );
    expect(click.body.data.content).toContain('everything Weaver stored about you is deleted');
    expect(await db().selectFrom('member').select('id').where('id', '=', ann.id).executeTakeFirst()).toBeUndefined();
    for (const table of ['membership', 'membership_change', 'practice', 'coordinator', 'rsvp'] as const) {
      expect(await db().selectFrom(table).select('member_id').where('member_id', '=', ann.id).execute()).toEqual([]);
    }
    expect(await db().selectFrom('harvest_thread').select('id').where('asker_member_id', '=', ann.id).execute()).toEqual([]);
    expect(await db().selectFrom('harvest_message').select('id').where('member_id', '=', ann.id).execute()).toEqual([]);
    expect(await db().selectFrom('harvest_message').select('id').where('message_id', 'in', [question.id, carolReply.id]).execute()).toEqual([]);
    expect(textOf((await discord.cop(people.bob, ['search'], { query: 'buddy system' })).data)).toContain('Nothing found');
  });
});
