import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscord } from '../../adapters/discord/index.js';
import { optionalPositional, text } from '../../src/commands/args.js';
import { createCommandTable, defineCommand } from '../../src/commands/define.js';
import type { InboundEvent } from '../../src/kernel/inbound.js';
import type { InboundListener } from '../../src/storage/services.js';
import { answer, type Reply } from '../../src/kernel/reply.js';
import type { AdapterHandle } from '../../src/kernel/ports.js';
import { FakeDiscord } from '../fakes/discord-api.js';
import { buttonClick, harvestAnswer, messagePayload, slashCommand } from '../fakes/discord-payloads.js';
import { botUser, ids, memberPayload, people, snowflakes } from '../fakes/discord-world.js';
import { createTestWorld, silentLog, type TestWorld } from '../support/harness.js';

// The adapter on its own (startDiscord), with a listener that records what the core would hear and commands whose
// work the test holds, so that the deferred path is taken for certain.

const heard: InboundEvent[] = [];
const hearing: ((event: InboundEvent) => void)[] = [];
let answerWith: ((event: InboundEvent) => Reply | undefined) | undefined;
const listener: InboundListener = async (_services, event) => {
  heard.push(event);
  hearing.shift()?.(event);
  return answerWith?.(event);
};
const nextHeard = () => new Promise<InboundEvent>((resolve) => hearing.push(resolve));

let release: (reply: Reply) => void = () => undefined;
let heldText: string | undefined;
const held = defineCommand({
  path: ['slow'],
  summary: 'Waits for the test',
  examples: [],
  access: 'everyone',
  args: { text: optionalPositional(text('anything')) },
  run: (_ctx, args) => {
    heldText = args.text;
    return new Promise<Reply>((resolve) => (release = resolve));
  },
});

let world: TestWorld;
let fake: FakeDiscord;
let discord: AdapterHandle;

beforeAll(async () => {
  world = await createTestWorld();
  fake = await FakeDiscord.start();
  discord = await startDiscord({
    config: { token: fake.token, applicationId: ids.application, apiUrl: fake.apiUrl, guildId: ids.guild },
    services: world.services,
    commands: createCommandTable([held]),
    listeners: [listener],
    log: silentLog,
    deferAfterMs: 0,
  });
});
afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  await world?.close();
});

const home = { platform: 'discord', workspaceId: ids.guild, channelId: ids.homeChannel };

describe('conversation events from the gateway', () => {
  it('hands a member’s message to the core, and never the bot’s own', async () => {
    const next = nextHeard();
    fake.gateway.dispatch('MESSAGE_CREATE', {
      ...messagePayload({ id: botUser.id, username: 'Weaver', bot: true }, 'What did you try this week?'),
      member: undefined,
    });
    const message = messagePayload(people.ann, 'How do we reach schools?');
    fake.gateway.dispatch('MESSAGE_CREATE', { ...message, member: memberPayload(people.ann) });
    expect(await next).toEqual({
      kind: 'message',
      message: {
        channel: home,
        messageId: message.id,
        author: { platform: 'discord', workspaceId: ids.guild, userId: ids.ann },
        authorName: 'Ann',
        text: 'How do we reach schools?',
        at: Number((BigInt(message.id) >> 22n) + 1420070400000n),
        permalink: `https://discord.com/channels/${ids.guild}/${ids.homeChannel}/${message.id}`,
      },
    });
  });

  it('maps a reply in a thread to the home channel and the thread’s id, once even when replayed', async () => {
    const starter = snowflakes.next();
    fake.gateway.dispatch('THREAD_CREATE', {
      id: starter,
      type: 11,
      guild_id: ids.guild,
      parent_id: ids.homeChannel,
      name: 'How do we reach schools?',
      owner_id: ids.ann,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      newly_created: true,
    });
    const reply = { ...messagePayload(people.bob, 'Ask the science teachers first.'), channel_id: starter };
    const after = { ...messagePayload(people.bob, 'And bring snacks.'), channel_id: starter };
    const first = nextHeard();
    const second = nextHeard();
    fake.gateway.dispatch('MESSAGE_CREATE', reply);
    fake.gateway.dispatch('MESSAGE_CREATE', reply);
    fake.gateway.dispatch('MESSAGE_CREATE', after);
    expect(await first).toMatchObject({
      kind: 'message',
      message: { channel: home, threadId: starter, messageId: reply.id, text: 'Ask the science teachers first.' },
    });
    expect(await second).toMatchObject({ kind: 'message', message: { messageId: after.id } });
  });

  it('hands edits and deletions to the core', async () => {
    const message = messagePayload(people.ann, 'Typo here');
    const edited = nextHeard();
    fake.gateway.dispatch('MESSAGE_UPDATE', { ...message, content: 'No typo here', edited_timestamp: '2026-11-23T10:05:00.000Z' });
    expect(await edited).toEqual({ kind: 'edited', channel: home, messageId: message.id, text: 'No typo here', at: Date.parse('2026-11-23T10:05:00.000Z') });
    const deleted = nextHeard();
    fake.gateway.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: ids.homeChannel, guild_id: ids.guild });
    expect(await deleted).toEqual({ kind: 'deleted', channel: home, messageId: message.id });
  });

  it('hands a ✅ on an uncached message to the core as white_check_mark, ignores other emoji, and DMs the listener’s answer', async () => {
    const target = snowflakes.next();
    const reaction = (name: string) => ({
      user_id: ids.ann,
      channel_id: ids.homeChannel,
      message_id: target,
      guild_id: ids.guild,
      member: memberPayload(people.ann),
      emoji: { id: null, name },
      type: 0,
      burst: false,
    });
    answerWith = (event) => (event.kind === 'reaction' ? answer('Harvested: the answer is now searchable.') : undefined);
    const next = nextHeard();
    const dm = fake.waitForCall((c) => c.method === 'POST' && c.path === '/users/@me/channels', fake.calls.length);
    fake.gateway.dispatch('MESSAGE_REACTION_ADD', reaction('👍'));
    fake.gateway.dispatch('MESSAGE_REACTION_ADD', reaction('✅'));
    expect(await next).toEqual({
      kind: 'reaction',
      channel: home,
      messageId: target,
      user: { platform: 'discord', workspaceId: ids.guild, userId: ids.ann },
      emoji: 'white_check_mark',
      at: world.clock.now(),
    });
    expect((await dm).body).toEqual({ recipient_id: ids.ann });
    answerWith = undefined;
  });

  it('Harvest answer hands a mark-answer to the core and shows its answer to the one who used it', async () => {
    answerWith = (event) => (event.kind === 'mark-answer' ? answer('Marked as the answer. Thank you!') : undefined);
    const message = messagePayload(people.bob, 'Ask the science teachers first.');
    const interaction = harvestAnswer(people.ann, message);
    const next = nextHeard();
    fake.interact(interaction);
    expect(await next).toEqual({
      kind: 'mark-answer',
      channel: home,
      messageId: message.id,
      user: { platform: 'discord', workspaceId: ids.guild, userId: ids.ann },
      at: world.clock.now(),
    });
    const callback = await fake.waitForCall((c) => c.path.endsWith(`/${interaction.token}/callback`));
    expect(callback.body).toMatchObject({ type: 4, data: { content: 'Marked as the answer. Thank you!', flags: 64 } });
    answerWith = undefined;
  });
});

describe('interactions whose work takes longer than the budget', () => {
  async function slow(reply: Reply) {
    const interaction = slashCommand(people.ann, ['slow']);
    fake.interact(interaction);
    const deferred = await fake.waitForCall((c) => c.path.endsWith(`/${interaction.token}/callback`));
    release(reply);
    return { interaction, deferred };
  }

  it('defers at once (ephemeral), then edits the reply', async () => {
    const { interaction, deferred } = await slow(answer('Done at last.'));
    expect(deferred).toMatchObject({ status: 204, body: { type: 5, data: { flags: 64 } } });
    const edit = await fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${ids.application}/${interaction.token}/messages/@original`);
    expect(edit.status).toBe(200);
    expect(edit.body.content).toBe('Done at last.');
  });

  it('posts an answer meant for everyone as a normal follow-up after the deferral', async () => {
    const { interaction } = await slow(answer('Outreach has a new home channel.', { visibility: 'channel' }));
    const followUp = await fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${ids.application}/${interaction.token}`);
    expect(followUp.body.content).toBe('Outreach has a new home channel.');
    expect(followUp.body.flags ?? 0).toBe(0);
    expect(fake.interactionCalls(interaction.token).map((c) => c.method)).toEqual(['POST', 'PATCH', 'POST']);
  });

  it('splits a long answer into the edited reply and ephemeral follow-ups, never rejecting it', async () => {
    const body = Array.from({ length: 100 }, (_, i) => `Practice ${i}: ${'pair pupils with students. '.repeat(2)}`).join('\n');
    const { interaction } = await slow(answer(body));
    const followUp = await fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${ids.application}/${interaction.token}`);
    const edit = fake.interactionCalls(interaction.token).find((c) => c.method === 'PATCH')!;
    expect(edit.body.content.length).toBeLessThanOrEqual(2000);
    expect(followUp.body.flags).toBe(64);
    expect(followUp.status).toBe(200);
  });

  it('a button whose command line is longer than a custom id allows still runs that line for the one who clicks', async () => {
    const line = `slow ${'x'.repeat(150)}`;
    const { interaction } = await slow(answer('Try again?', { buttons: [{ label: 'Again', command: line }] }));
    const edit = await fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${ids.application}/${interaction.token}/messages/@original`);
    const button = edit.body.components[0].components[0];
    expect(button.custom_id.length).toBeLessThanOrEqual(100);
    const click = buttonClick(
      people.bob,
      button.custom_id,
      messagePayload({ id: botUser.id, username: 'Weaver', bot: true }, 'Try again?', { components: edit.body.components }),
    );
    fake.interact(click);
    await fake.waitForCall((c) => c.path.endsWith(`/${click.token}/callback`));
    expect(heldText).toBe('x'.repeat(150));
    release(answer('Again, done.'));
    const clicked = await fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${ids.application}/${click.token}/messages/@original`);
    expect(clicked.body.content).toBe('Again, done.');
  });
});
