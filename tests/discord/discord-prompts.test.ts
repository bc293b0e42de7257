import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../fakes/discord-api.js';
import { buttonClick } from '../fakes/discord-payloads.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { botUser, ids, people } from '../fakes/discord-world.js';

// Prompts and events through a real discord.js client on the fake gateway: `/cop prompt now` posts in the home channel;
// replies in a thread started on the prompt, and inline replies to it, become practices; RSVP buttons count clicks.

let discord: DiscordSession;
beforeAll(async () => {
  discord = await startWeaverOnFakeDiscord();
});
afterAll(async () => discord?.stop());
// Each test starts from an empty database and builds what it needs with the given… steps below.
beforeEach(async () => discord.reset());

const db = () => discord.weaver.services.db;
const home = ids.homeChannel;

const textOf = (data: { content?: string; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }) =>
  [data.content, ...(data.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])]
    .filter(Boolean)
    .join('\n');

type Posted = Record<string, unknown> & { id: string; content: string; components?: { components: { custom_id: string; label: string }[] }[] };

/** The message the bot posted in the home channel whose text contains `words`, as the fake stored it. */
function postedInHome(words: string): Posted {
  const found = discord.fake.channels.get(home)!.messages.find((m) => textOf(m as Posted).includes(words));
  if (!found) throw new Error(`no post with “${words}”`);
  return found as Posted;
}

async function practices() {
  return db()
    .selectFrom('practice')
    .innerJoin('member', 'member.id', 'practice.member_id')
    .select(['member.user_id', 'practice.text', 'practice.source', 'practice.permalink'])
    .orderBy('practice.id')
    .execute();
}

/** outreach, coordinated by bob, with its home channel here. */
async function givenOutreachLinked(): Promise<void> {
  await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
  await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.bob } });
  await discord.cop(people.bob, ['link'], { community: 'outreach' });
}

/** The first prompt, posted in the home channel. */
async function givenPromptPosted(): Promise<Posted> {
  await givenOutreachLinked();
  await discord.cop(people.bob, ['prompt', 'now'], { community: 'outreach' });
  return postedInHome('What is a method you tried recently?');
}

describe('prompts on Discord, through a real discord.js client', () => {
  it('a coordinator sets a home channel and posts the next prompt at once', async () => {
    await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
    await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.bob } });
    expect((await discord.cop(people.bob, ['link'], { community: 'outreach' })).data.content).toContain('is now the home channel');
    const { data } = await discord.cop(people.bob, ['prompt', 'now'], { community: 'outreach' });
    expect(data.content).toContain('Replies in its thread become practices');
    const prompt = postedInHome('What is a method you tried recently?');
    expect(prompt.content).toMatch(/\?/);
    expect(discord.fake.calls.some((call: RecordedCall) => call.method === 'POST' && call.path === `/channels/${home}/messages` && call.status === 200)).toBe(
      true,
    );
  });

  it('the bot’s own prompt, which ends in “?”, is never taken for a member’s question', async () => {
    const prompt = await givenPromptPosted();
    discord.fake.gateway.dispatch('MESSAGE_CREATE', { ...prompt, author: botUser });
    await discord.settle();
    expect(await db().selectFrom('harvest_thread').select('id').execute()).toEqual([]);
  });

  it('replies in a thread started on the prompt are practices of their authors, and search finds them', async () => {
    const prompt = await givenPromptPosted();
    await discord.startThread(prompt, people.ann);
    const ann = await discord.say(people.ann, 'We tried exit tickets after each workshop: three lines, two minutes. Yes, again!', prompt.id);
    const carol = await discord.say(people.carol, 'Pairing new volunteers with a regular for their first two sessions.', prompt.id);
    expect(await practices()).toEqual([
      { user_id: ids.ann, text: ann.content, source: 'prompt-reply', permalink: `https://discord.com/channels/${ids.guild}/${prompt.id}/${ann.id}` },
      { user_id: ids.carol, text: carol.content, source: 'prompt-reply', permalink: `https://discord.com/channels/${ids.guild}/${prompt.id}/${carol.id}` },
    ]);
    const { data } = await discord.cop(people.dave, ['search'], { query: 'exit tickets' });
    expect(textOf(data)).toContain('**exit** **tickets**');
    expect(textOf(data)).toContain(`https://discord.com/channels/${ids.guild}/${prompt.id}/${ann.id}`);
    expect(await db().selectFrom('harvest_thread').select('id').execute()).toEqual([]);
  });

  it('an inline reply to the prompt (message_reference) is a practice too', async () => {
    const prompt = await givenPromptPosted();
    const reference = { type: 0, message_id: prompt.id, channel_id: home, guild_id: ids.guild };
    const reply = await discord.say(people.bob, 'A shared drive of lesson plans, sorted by age group.', home, {
      type: 19,
      message_reference: reference,
      referenced_message: prompt,
    });
    expect((await practices()).at(-1)).toEqual({
      user_id: ids.bob,
      text: reply.content,
      source: 'prompt-reply',
      permalink: `https://discord.com/channels/${ids.guild}/${home}/${reply.id}`,
    });
    expect(textOf((await discord.cop(people.ann, ['search'], { query: 'lesson plans' })).data)).toContain('age group');
  });
});

describe('events on Discord', () => {
  it('event create posts the event with RSVP buttons; a click on Yes records the RSVP and edits the post', async () => {
    await givenOutreachLinked();
    const { data } = await discord.cop(people.bob, ['event', 'create'], {
      community: 'outreach',
      title: 'Taster day debrief',
      date: '2026-12-03',
      time: '14:00',
    });
    expect(data.content).toContain('Created event #1');
    const post = postedInHome('Taster day debrief');
    const buttons = post.components!.flatMap((row) => row.components);
    expect(buttons.map((b) => b.label)).toEqual(['Yes (0)', 'Maybe (0)', 'No (0)']);
    const click = await discord.interact(buttonClick(people.ann, buttons[0]!.custom_id, { ...post, author: botUser }));
    expect(click.status).toBe(204);
    await discord.weaver.waitUntilIdle();
    const rsvps = await db().selectFrom('rsvp').innerJoin('member', 'member.id', 'rsvp.member_id').select(['member.user_id', 'rsvp.answer']).execute();
    expect(rsvps).toEqual([{ user_id: ids.ann, answer: 'yes' }]);
    const edit = await discord.fake.waitForCall((call) => call.method === 'PATCH' && call.path === `/channels/${home}/messages/${post.id}`);
    expect(edit.body.components[0].components.map((b: { label: string }) => b.label)).toEqual(['Yes (1)', 'Maybe (0)', 'No (0)']);
    expect(textOf(edit.body)).toContain('Going: 1 yes');
  });
});
