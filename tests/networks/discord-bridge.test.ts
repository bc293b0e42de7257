import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import type { RecordedCall } from '../fakes/discord-api.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { ids, memberPayload, people } from '../fakes/discord-world.js';

// A bridge on Discord through a real discord.js client on the fake gateway: ann's question in the schools home channel
// goes unanswered for a day; the bot starts a thread on it with a note naming bob (who shared practice in museums) and
// sends bob a direct message; bob answers in the thread, ann reacts ✅, and stats counts a bridged answer.

let discord: DiscordSession;
beforeAll(async () => {
  discord = await startWeaverOnFakeDiscord();
  await setUpNetwork();
});
afterAll(async () => discord?.stop());

const db = () => discord.weaver.services.db;
const hour = 3_600_000;

const textOf = (data: { content?: string; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }) =>
  [data.content, ...(data.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])]
    .filter(Boolean)
    .join('\n');

const postsTo = (channelId: string): RecordedCall[] =>
  discord.fake.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages` && call.status === 200);

/** A network of two communities: schools at home in the home channel, museums in #general, where bob shared practice. */
async function setUpNetwork(): Promise<void> {
  const owner = people.owner;
  expect((await discord.cop(owner, ['create'], { slug: 'outreach-net', name: 'Outreach Network', kind: 'network' })).data.content).toContain(
    'Created the network',
  );
  await discord.cop(owner, ['create'], { slug: 'schools', name: 'School Partnerships' });
  await discord.cop(owner, ['create'], { slug: 'museums', name: 'Museum Nights' });
  expect((await discord.cop(owner, ['set'], { community: 'schools', field: 'network', value: 'outreach-net' })).data.content).toContain(
    'now in the **Outreach Network** network',
  );
  await discord.cop(owner, ['set'], { community: 'museums', field: 'network', value: 'outreach-net' });
  expect((await discord.cop(owner, ['link'], { community: 'schools' })).data.content).toContain('is now the home channel');
  expect((await discord.cop(owner, ['link'], { community: 'museums' }, { channelId: ids.generalChannel, channelName: 'general' })).data.content).toContain(
    'is now the home channel',
  );
  await discord.cop(people.ann, ['join'], { community: 'schools' });
  await discord.cop(people.bob, ['join'], { community: 'museums' });
  await discord.cop(people.bob, ['share'], { community: 'museums', text: 'Volunteers come back when the rota is shared a month ahead.' });
  await discord.settle();
}

describe('a bridge on Discord, through a real discord.js client', () => {
  it('an unanswered question is bridged after a day to bob in another community, who answers; stats counts it', async () => {
    const question = await discord.say(people.ann, 'How do we keep volunteers coming back after their first visit?');
    const thread = await db().selectFrom('harvest_thread').selectAll().where('root_message_id', '=', question.id).executeTakeFirstOrThrow();
    discord.clock.set(thread.asked_at + 23 * hour);
    await createScheduler(discord.weaver.services, { owner: 'early' }).tick();
    expect(postsTo(question.id)).toEqual([]);

    discord.clock.set(thread.asked_at + 25 * hour);
    expect((await createScheduler(discord.weaver.services, { owner: 'test' }).tick()).leader).toBe(true);
    // No one had replied, so there was no thread yet: the bot starts one on the question, named after it.
    const started = discord.fake.calls.find((call) => call.method === 'POST' && call.path === `/channels/${ids.homeChannel}/messages/${question.id}/threads`);
    expect(started?.body).toMatchObject({ name: 'How do we keep volunteers coming back after their first visit?' });
    const notes = postsTo(question.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body.content).toContain(`<@${ids.bob}> (Museum Nights)`);
    expect(notes[0]!.body.allowed_mentions).toEqual({ parse: [] });
    const opened = discord.fake.calls.filter((call) => call.method === 'POST' && call.path === '/users/@me/channels');
    expect(opened.map((call) => call.body.recipient_id)).toEqual([ids.bob]);
    const dm = postsTo(`9${ids.bob.slice(1)}`);
    expect(dm).toHaveLength(1);
    expect(textOf(dm[0]!.body)).toContain('How do we keep volunteers coming back after their first visit?');
    expect(textOf(dm[0]!.body)).toContain(`https://discord.com/channels/${ids.guild}/${ids.homeChannel}/${question.id}`);

    discord.clock.set(thread.asked_at + 30 * hour);
    await createScheduler(discord.weaver.services, { owner: 'later' }).tick();
    expect(postsTo(question.id)).toHaveLength(1);
    expect(postsTo(`9${ids.bob.slice(1)}`)).toHaveLength(1);

    // Bob answers in the thread; ann marks it with ✅.
    const answer = await discord.say(people.bob, 'Share the rota a month ahead and thank each volunteer by name.', question.id);
    discord.fake.gateway.dispatch('MESSAGE_REACTION_ADD', {
      user_id: ids.ann,
      channel_id: question.id,
      message_id: answer.id,
      guild_id: ids.guild,
      member: memberPayload(people.ann),
      emoji: { id: null, name: '✅' },
      type: 0,
      burst: false,
      message_author_id: ids.bob,
    });
    await discord.settle();
    expect(postsTo(question.id).some((call) => String(call.body.content).includes('thread is harvested'))).toBe(true);
    expect(textOf((await discord.cop(people.ann, ['stats'], { community: 'schools' })).data)).toContain(
      'Bridged answers\n1 of 1 question bridged to other communities answered by someone the bridge named',
    );
    expect(textOf((await discord.cop(people.carol, ['stats'], { community: 'outreach-net' })).data)).toContain('Bridged answers\n1 of 1 question');
  });
});
