import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../fakes/discord-api.js';
import { buttonClick } from '../fakes/discord-payloads.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { botUser, ids, people } from '../fakes/discord-world.js';

// Peer exchange through a real discord.js client on the fake Discord: bots cannot open group DMs, so a group is
// introduced in a private thread (type 12) of the home channel with its members added; its buttons answer.

let discord: DiscordSession;
beforeAll(async () => {
  discord = await startWeaverOnFakeDiscord();
});
afterAll(async () => discord?.stop());

const db = () => discord.weaver.services.db;
const home = ids.homeChannel;
type Posted = Record<string, unknown> & { id: string; content: string; components?: { components: { custom_id: string; label: string }[] }[] };

describe('peer exchange on Discord', () => {
  it('pair now makes a private thread in the home channel, adds the pair, and introduces them there', async () => {
    await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
    await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.bob } });
    expect((await discord.cop(people.bob, ['link'], { community: 'outreach' })).data.content).toContain('is now the home channel');
    for (const person of [people.ann, people.carol]) {
      await discord.cop(person, ['join'], { community: 'outreach' });
      const joined = await discord.cop(person, ['pair', 'join'], { community: 'outreach', role: 'peer', about: 'evaluation' });
      expect(joined.data.content).toContain('You are in the **STEM Outreach** peer exchange');
    }
    const ran = await discord.cop(people.bob, ['pair', 'now'], { community: 'outreach' });
    expect(ran.data.content).toContain('2 took part in 1 group; 1 introduction sent');

    const created = discord.fake.calls.find((call: RecordedCall) => call.method === 'POST' && call.path === `/channels/${home}/threads`)!;
    expect(created.body).toMatchObject({ type: 12, invitable: false });
    expect(created.status).toBe(201);
    const threadId = [...discord.fake.channels.values()].find((c) => c.type === 12)!.id;
    const thread = discord.fake.channels.get(threadId)!;
    expect(thread).toMatchObject({ type: 12, parent_id: home });
    expect([...(thread.members as string[])].sort()).toEqual([ids.bot, ids.ann, ids.carol].sort());
    const added = discord.fake.calls.filter((call: RecordedCall) => call.method === 'PUT' && call.path.startsWith(`/channels/${threadId}/thread-members/`));
    expect(added.map((call) => call.status)).toEqual([204, 204]);

    const intro = thread.messages[0] as Posted;
    expect(JSON.stringify(intro)).toContain(`<@${ids.ann}>`);
    const buttons = intro.components!.flatMap((row) => row.components);
    expect(buttons.map((b) => b.label)).toEqual(['We met', 'Not this time']);

    // Carol clicks "We met" inside the private thread.
    const click = buttonClick(people.carol, buttons[0]!.custom_id, { ...intro, author: botUser });
    const inThread = {
      ...click,
      channel_id: threadId,
      channel: { ...click.channel, id: threadId, type: 12, parent_id: home, name: thread.name as string },
    };
    const answered = await discord.interact(inThread);
    expect([200, 204]).toContain(answered.status);
    await discord.weaver.waitUntilIdle();
    expect(await db().selectFrom('pair_group').select('outcome').execute()).toEqual([{ outcome: 'met' }]);
  });

  it('the invite URL asks for Create Private Threads', async () => {
    const { botPermissions } = await import('../../adapters/discord/permissions.js');
    expect(botPermissions.map(([, name]) => name)).toContain('Create Private Threads');
  });
});
