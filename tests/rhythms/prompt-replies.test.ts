import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../src/kernel/identity.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import { inboundListeners } from '../../src/app/registry.js';
import { createRhythmWorld } from '../support/fixtures.js';

type World = Awaited<ReturnType<typeof createRhythmWorld>>;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const home: ChannelRef = { platform: 'console', workspaceId: 'local', channelId: 'outreach-home' };

function reply(w: World, from: string, text: string, threadId: string | undefined, messageId: string): InboundEvent {
  return {
    kind: 'message',
    message: {
      channel: home,
      messageId,
      threadId,
      author: { ...home, userId: from },
      authorName: from,
      text,
      at: w.clock.now(),
      permalink: `https://chat.example/${messageId}`,
    },
  };
}

async function practices(w: World) {
  return w.db
    .selectFrom('practice')
    .innerJoin('member', 'member.id', 'practice.member_id')
    .select(['practice.text', 'practice.source', 'practice.prompt_post_id', 'member.user_id', 'practice.permalink'])
    .orderBy('practice.id')
    .execute();
}

describe('replies in a prompt thread', () => {
  it('records each reply as a practice of its author, once, linked to the prompt post', async () => {
    world = await createRhythmWorld();
    await world.run('ann', 'prompt now outreach');
    const prompt = world.fake.posts[0]!;
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'We paired pupils with students; it worked.', prompt.messageId, 'r1'));
    await handleInbound(world.services, inboundListeners, reply(world, 'cat', 'A checklist for taster days saved us hours.', prompt.messageId, 'r2'));
    // Platforms redeliver: the same message again is not a second practice.
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'We paired pupils with students; it worked.', prompt.messageId, 'r1'));
    const post = await world.db.selectFrom('prompt_post').select('id').executeTakeFirstOrThrow();
    expect(await practices(world)).toEqual([
      {
        text: 'We paired pupils with students; it worked.',
        source: 'prompt-reply',
        prompt_post_id: post.id,
        user_id: 'bob',
        permalink: 'https://chat.example/r1',
      },
      {
        text: 'A checklist for taster days saved us hours.',
        source: 'prompt-reply',
        prompt_post_id: post.id,
        user_id: 'cat',
        permalink: 'https://chat.example/r2',
      },
    ]);
  });

  it('ignores top-level messages, other threads, and members who turned privacy off', async () => {
    world = await createRhythmWorld();
    await world.run('ann', 'prompt now outreach');
    const prompt = world.fake.posts[0]!;
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'Hello all', undefined, 'x1'));
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'Other thread', 'some-other-message', 'x2'));
    await world.db
      .insertInto('member')
      .values({ platform: 'console', workspace_id: 'local', user_id: 'dan', display_name: 'dan', privacy_on: 0, created_at: 0 })
      .execute();
    await handleInbound(world.services, inboundListeners, reply(world, 'dan', 'Private thought', prompt.messageId, 'x3'));
    expect(await practices(world)).toEqual([]);
  });

  it('follows edits and deletions of a recorded reply', async () => {
    world = await createRhythmWorld();
    await world.run('ann', 'prompt now outreach');
    const prompt = world.fake.posts[0]!;
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'First draft', prompt.messageId, 'r1'));
    await handleInbound(world.services, inboundListeners, { kind: 'edited', channel: home, messageId: 'r1', text: 'Better wording', at: world.clock.now() });
    expect((await practices(world)).map((p) => p.text)).toEqual(['Better wording']);
    await handleInbound(world.services, inboundListeners, { kind: 'deleted', channel: home, messageId: 'r1' });
    expect(await practices(world)).toEqual([]);
  });

  it('keeps the words shared before when an author with privacy off edits a reply', async () => {
    world = await createRhythmWorld();
    await world.run('ann', 'prompt now outreach');
    const prompt = world.fake.posts[0]!;
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'Shared while open', prompt.messageId, 'r2'));
    await world.run('bob', 'me privacy off');
    await handleInbound(world.services, inboundListeners, {
      kind: 'edited',
      channel: home,
      messageId: 'r2',
      text: 'Said after privacy off',
      at: world.clock.now(),
    });
    expect((await practices(world)).map((p) => p.text)).toEqual(['Shared while open']);
  });

  it('records replies to a prompt the scheduler posted', async () => {
    world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    await world.run('ann', 'rhythm outreach weekly mon 09:00');
    await world.tickAt('2026-11-30T09:00:00Z');
    const prompt = world.fake.posts[0]!;
    await handleInbound(world.services, inboundListeners, reply(world, 'bob', 'Story time', prompt.messageId, 'r9'));
    expect((await practices(world)).map((p) => [p.user_id, p.source])).toEqual([['bob', 'prompt-reply']]);
  });
});
