import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UserRef } from '../../src/kernel/identity.js';
import { answer } from '../../src/kernel/reply.js';
import { findDirectMessageChannel, rememberDirectMessageChannel } from '../../src/storage/direct-message-channels.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { ids, people } from '../fakes/discord-world.js';

let s: DiscordSession;
beforeAll(async () => {
  s = await startWeaverOnFakeDiscord();
});
afterAll(async () => {
  await s.stop();
});
beforeEach(async () => {
  s.fake.answerSlowly(undefined);
  await s.reset();
});

const userOf = (person: { id: string }): UserRef => ({ platform: 'discord', workspaceId: ids.guild, userId: person.id });
const opens = () => s.fake.calls.filter((call) => call.method === 'POST' && call.path === '/users/@me/channels');
const port = () => s.weaver.services.platforms.get('discord')!;

describe('direct messages on Discord', () => {
  it('opens a person’s DM channel once and remembers it in the database', async () => {
    await port().sendDirectMessage(userOf(people.ann), answer('Starts in two hours'), { idempotencyKey: 'reminder:1' });
    await port().sendDirectMessage(userOf(people.ann), answer('Starts in an hour'), { idempotencyKey: 'reminder:2' });
    expect(opens()).toHaveLength(1);
    const channelId = await findDirectMessageChannel(s.weaver.services.db, userOf(people.ann));
    expect(s.fake.channels.get(channelId!)!.messages.map((m) => m.content)).toEqual(['Starts in two hours', 'Starts in an hour']);
  });

  it('opens the channel again when Discord no longer knows the remembered one', async () => {
    await rememberDirectMessageChannel(s.weaver.services.db, userOf(people.bob), '1999999999999999999', s.clock.now());
    const posted = await port().sendDirectMessage(userOf(people.bob), answer('Your peer this week'), { idempotencyKey: 'intro:1' });
    expect(opens()).toHaveLength(1);
    const channelId = await findDirectMessageChannel(s.weaver.services.db, userOf(people.bob));
    expect(channelId).not.toBe('1999999999999999999');
    expect(s.fake.channels.get(channelId!)!.messages.map((m) => m.id)).toEqual([posted.messageId]);
  });

  it('opens the channels of several people at once, not one after another', async () => {
    // discord.js queues every call of one bucket behind the previous answer; all DM opens share a bucket.
    s.fake.answerSlowly({ test: (method, path) => method === 'POST' && path === '/users/@me/channels', ms: 500 });
    const everyone = [people.ann, people.bob, people.carol, people.dave];
    await Promise.all(everyone.map((person, i) => port().sendDirectMessage(userOf(person), answer('Starts soon'), { idempotencyKey: `reminder:${i}` })));
    const firstPost = s.fake.calls.findIndex((call) => call.method === 'POST' && /^\/channels\/\d+\/messages$/.test(call.path));
    // Every open reached Discord before the first answer came back (and so before any DM was posted).
    expect(
      opens()
        .map((call) => s.fake.calls.indexOf(call))
        .every((index) => index < firstPost),
    ).toBe(true);
    expect(opens()).toHaveLength(4);
  });
});
