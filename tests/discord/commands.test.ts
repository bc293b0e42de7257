import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCommunity } from '../../src/communities/communities.js';
import { autocomplete, buttonClick, harvestAnswer, messagePayload } from '../fakes/discord-payloads.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { botUser, ids, people, snowflakes } from '../fakes/discord-world.js';

const ephemeral = 64;
let discord: DiscordSession;

beforeAll(async () => {
  // Bob is a Weaver admin by setting; Olivia by Discord's Manage Server; Ann is neither.
  discord = await startWeaverOnFakeDiscord({ WEAVER_ADMINS: `discord:${ids.bob}` });
});
afterAll(async () => {
  await discord?.stop();
});

const text = (data: { content: string; embeds?: any[] }) =>
  [data.content, ...(data.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f: any) => [f.name, f.value])])]
    .filter(Boolean)
    .join('\n');

// Each test starts from an empty database and builds what it needs with the given… steps below.
beforeEach(async () => discord.reset());

/** outreach (with a domain, by the server owner) and data-club (by bob, a WEAVER_ADMINS admin). */
async function givenTwoCommunities(): Promise<void> {
  await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences' });
  await discord.cop(people.bob, ['create'], { slug: 'data-club', name: 'Data Club' });
}

/** The two communities, ann coordinating outreach. */
async function givenAnnCoordinatesOutreach(): Promise<void> {
  await givenTwoCommunities();
  await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.ann } });
}

/** The two communities, ann coordinating outreach, its home channel linked. */
async function givenOutreachLinked(): Promise<void> {
  await givenAnnCoordinatesOutreach();
  await discord.cop(people.ann, ['link'], { community: 'outreach' });
}

describe('/cop on Discord, through the fake gateway', () => {
  it('registered /cop and Harvest answer in the development server on start', () => {
    const registered = discord.fake.registered.get(ids.guild) as { name: string }[];
    expect(registered.map((c) => c.name)).toEqual(['cop', 'Harvest answer']);
  });

  it('help: answers only the caller (ephemeral), within the 3-second limit', async () => {
    const { callback, data } = await discord.cop(people.ann, ['help']);
    expect(callback.status).toBe(204);
    expect(callback.body.type).toBe(4);
    expect(data.flags).toBe(ephemeral);
    expect(text(data)).toContain('For everyone');
    expect(text(data)).toContain('/cop join <community>');
  });

  it('help <command>: explains one command', async () => {
    const { data } = await discord.cop(people.ann, ['help'], { command: 'join' });
    expect(data.content).toContain('`/cop join <community> [tier:core|wider]`');
  });

  it('list: says there are no communities yet', async () => {
    const { data } = await discord.cop(people.ann, ['list']);
    expect(data.content).toContain('There are no communities yet');
  });

  it('create: refuses a member who is no admin, with the reason', async () => {
    const { callback, data } = await discord.cop(people.ann, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
    expect(callback.status).toBe(204);
    expect(data.flags).toBe(ephemeral);
    expect(data.content).toBe('Only Weaver admins can use /cop create.');
  });

  it('create: members with Manage Server are admins', async () => {
    const { data } = await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences' });
    expect(data.content).toContain('Created **STEM Outreach** (outreach), status potential.');
  });

  it('create: users named in WEAVER_ADMINS are admins', async () => {
    const { data } = await discord.cop(people.bob, ['create'], { slug: 'data-club', name: 'Data Club' });
    expect(data.content).toContain('Created **Data Club** (data-club)');
  });

  it('community options: autocomplete offers communities from the database', async () => {
    await givenTwoCommunities();
    const interaction = autocomplete(people.ann, ['join'], { community: 'out' }, 'community');
    const callback = await discord.interact(interaction);
    expect(callback.status).toBe(204);
    expect(callback.body).toEqual({ type: 8, data: { choices: [{ name: 'STEM Outreach (outreach)', value: 'outreach' }] } });
    const all = await discord.interact(autocomplete(people.ann, ['info'], { community: '' }, 'community'));
    expect(all.body.data.choices.map((c: { value: string }) => c.value)).toEqual(['data-club', 'outreach']);
  });

  it('set: refuses someone who does not coordinate the community', async () => {
    await givenTwoCommunities();
    const { data } = await discord.cop(people.ann, ['set'], { community: 'outreach', field: 'status', value: 'launched' });
    expect(data.flags).toBe(ephemeral);
    expect(data.content).toBe('Only coordinators of outreach and admins can use /cop set.');
  });

  it('coordinator: a user option names the member, mentioned without a ping', async () => {
    await givenTwoCommunities();
    const { data } = await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.ann } });
    expect(data.content).toBe(`<@${ids.ann}> is now a coordinator of **STEM Outreach**.`);
    expect(data.flags).toBe(ephemeral);
  });

  it('set: a coordinator changes the status', async () => {
    await givenAnnCoordinatesOutreach();
    const { data } = await discord.cop(people.ann, ['set'], { community: 'outreach', field: 'status', value: 'launched' });
    expect(data.content).toBe('**outreach**: status is now “launched”.');
  });

  it('link: refuses a channel the bot cannot see, saying which permissions to give', async () => {
    await givenAnnCoordinatesOutreach();
    const { data } = await discord.cop(people.ann, ['link'], { community: 'outreach' }, { channelId: ids.staffChannel, channelName: 'staff' });
    expect(data.flags).toBe(ephemeral);
    expect(data.content).toBe('I can’t post in this channel; give Weaver the View Channel and Send Messages permissions here, then run /cop link again.');
  });

  it('link: names the permissions missing in a channel where the bot can post but not do all it must', async () => {
    await givenAnnCoordinatesOutreach();
    const { data } = await discord.cop(people.ann, ['link'], { community: 'outreach' }, { channelId: ids.announcementsChannel, channelName: 'announcements' });
    expect(data.content).toBe(
      'I can post here but lack Embed Links, Create Public Threads; give Weaver those permissions in this channel, then run /cop link again.',
    );
  });

  it('link: refuses a thread, pointing to the channel itself', async () => {
    await givenAnnCoordinatesOutreach();
    const threadId = snowflakes.next();
    discord.fake.gateway.dispatch('THREAD_CREATE', {
      id: threadId,
      type: 11,
      guild_id: ids.guild,
      parent_id: ids.homeChannel,
      name: 'A question',
      owner_id: ids.ann,
      newly_created: true,
    });
    const { data } = await discord.cop(people.ann, ['link'], { community: 'outreach' }, { channelId: threadId, channelName: 'A question' });
    expect(data.content).toContain('Run /cop link in the channel itself, not in a thread');
  });

  it('link: makes the channel the home channel, announced to everyone (not ephemeral)', async () => {
    await givenAnnCoordinatesOutreach();
    const { callback, data } = await discord.cop(people.ann, ['link'], { community: 'outreach' });
    expect(callback.status).toBe(204);
    expect(data.flags).toBeUndefined();
    expect(data.content).toContain(`<#${ids.homeChannel}> is now the home channel of **STEM Outreach**`);
    expect(callback.body.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('info: shows the community as embeds, with Join buttons', async () => {
    await givenOutreachLinked();
    const { data } = await discord.cop(people.bob, ['info'], { community: 'outreach' });
    expect(data.content).toBe('**STEM Outreach** (outreach)');
    expect(text(data)).toContain(`<@${ids.ann}>`);
    expect(text(data)).toContain(`<#${ids.homeChannel}> (discord)`);
    expect(data.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, custom_id: 'cop:join outreach', label: 'Join', style: 1 },
          { type: 2, custom_id: 'cop:join outreach tier:core', label: 'Join as core', style: 2 },
        ],
      },
    ]);
  });

  it('a Join button joins the one who clicks it', async () => {
    await givenTwoCommunities();
    const { data: info } = await discord.cop(people.bob, ['info'], { community: 'outreach' });
    const message = messagePayload({ id: botUser.id, username: botUser.username, bot: true }, info.content, { components: info.components, flags: ephemeral });
    const callback = await discord.interact(buttonClick(people.bob, 'cop:join outreach', message));
    expect(callback.status).toBe(204);
    expect(callback.body.data.flags).toBe(ephemeral);
    expect(callback.body.data.content).toContain('Welcome to **STEM Outreach**! You joined as a wider member.');
  });

  it('join: typed options with choices, and the core limit refused with the way to move', async () => {
    await givenTwoCommunities();
    expect((await discord.cop(people.ann, ['join'], { community: 'outreach', tier: 'core' })).data.content).toContain('You joined as a core member');
    const { data } = await discord.cop(people.ann, ['join'], { community: 'data-club', tier: 'core' });
    expect(data.flags).toBe(ephemeral);
    expect(data.content).toContain('You are already core in **outreach**');
    expect(data.content).toContain('`/cop join outreach tier:wider`');
  });

  it('join: an unknown community is a clear refusal', async () => {
    const { data } = await discord.cop(people.ann, ['join'], { community: 'nowhere' });
    // Discord shows the escaped brackets and bar as typed.
    expect(data.content).toBe('There is no community “nowhere”; /cop list shows them all. Usage: /cop join <community> \\[tier:core\\|wider\\]');
  });

  it('mine: lists my communities with my tier', async () => {
    await givenTwoCommunities();
    await discord.cop(people.ann, ['join'], { community: 'outreach', tier: 'core' });
    const { data } = await discord.cop(people.ann, ['mine']);
    expect(data.content).toBe('You are in 1 community:');
    expect(data.embeds![0].fields).toEqual([{ name: 'STEM Outreach (outreach)', value: 'core member', inline: true }]);
  });

  it('members: lists core and wider members as mentions', async () => {
    await givenTwoCommunities();
    await discord.cop(people.ann, ['join'], { community: 'outreach', tier: 'core' });
    await discord.cop(people.bob, ['join'], { community: 'outreach' });
    const { data } = await discord.cop(people.bob, ['members'], { community: 'outreach' });
    expect(data.content).toBe('**STEM Outreach** has 2 members.');
    expect(data.embeds!.map((e) => [e.title, e.description])).toEqual([
      ['Core members (1)', `<@${ids.ann}>`],
      ['Wider members (1)', `<@${ids.bob}>`],
    ]);
  });

  it('share: records a practice', async () => {
    await givenTwoCommunities();
    const { data } = await discord.cop(people.bob, ['share'], { community: 'outreach', text: 'We ran a **taster day** with a local school.' });
    expect(data.content).toContain('Thank you! Your practice is now part of the **STEM Outreach** repertoire.');
  });

  it('leave: leaves', async () => {
    await givenTwoCommunities();
    await discord.cop(people.bob, ['join'], { community: 'outreach' });
    const { data } = await discord.cop(people.bob, ['leave'], { community: 'outreach' });
    expect(data.content).toContain('You left **STEM Outreach**.');
  });

  it('list: now shows both communities', async () => {
    await givenTwoCommunities();
    const { data } = await discord.cop(people.ann, ['list']);
    expect(data.content).toBe('2 communities. Join one with /cop join <community>.');
    expect(data.embeds!.map((e) => e.title)).toEqual(['Data Club (data-club)', 'STEM Outreach (outreach)']);
  });

  it('Harvest answer: answers the one who used it, even when there is nothing to harvest', async () => {
    // Bob's message is no reply in a question thread, so the harvest says why, to Ann alone.
    const message = messagePayload(people.bob, 'Try the library’s maker space.');
    const callback = await discord.interact(harvestAnswer(people.ann, message));
    expect(callback.status).toBe(204);
    expect(callback.body.data.flags).toBe(ephemeral);
    expect(callback.body.data.content).toMatch(/not a reply in a question thread|not a community’s home channel/);
  });

  it('list: a long answer is split over the reply and ephemeral follow-ups, never rejected', async () => {
    await givenTwoCommunities();
    for (let i = 0; i < 14; i++) {
      await createCommunity(
        discord.weaver.services.db,
        { slug: `circle-${i}`, name: `Circle ${i}`, domain: 'Learning together '.repeat(20) },
        discord.clock.now(),
      );
    }
    const { interaction, data } = await discord.cop(people.ann, ['list']);
    expect(data.embeds!.length).toBeLessThanOrEqual(10);
    const followUp = await discord.fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${ids.application}/${interaction.token}`);
    expect(followUp.status).toBe(200);
    expect(followUp.body.flags).toBe(ephemeral);
    expect(data.embeds!.length + followUp.body.embeds.length).toBe(16);
  });
});
