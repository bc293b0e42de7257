import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackPort } from '../../adapters/slack/slack-port.js';
import { deliverDue, enqueue } from '../../src/delivery/outbox.js';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import { answer } from '../../src/kernel/reply.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { ids } from '../fakes/discord-world.js';
import { fakeBot, fakeTeam, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestWorld, silentLog, type TestWorld } from '../support/harness.js';

const home: ChannelRef = { platform: 'slack', workspaceId: fakeTeam.id, channelId: 'C0HOME' };
const ann: UserRef = { platform: 'slack', workspaceId: fakeTeam.id, userId: 'U0ANN' };
let fake: FakeSlack | undefined;
let world: TestWorld | undefined;
let discord: DiscordSession | undefined;
afterEach(async () => {
  await world?.close();
  await fake?.close();
  await discord?.stop();
  world = fake = discord = undefined;
});

async function slackWorld() {
  fake = await startFakeSlack({
    users: [
      { id: 'U0ANN', name: 'ann' },
      { id: 'U0BOB', name: 'bob' },
    ],
    channels: [{ id: 'C0HOME', name: 'home', is_member: true }],
  });
  const client = new webApi.WebClient(fakeBot.token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const port = createSlackPort(client, { teamId: fakeTeam.id, url: fakeTeam.url, botUserId: fakeBot.userId }, silentLog);
  world = await createTestWorld({ ports: [port], now: '2026-11-23T10:00:00Z', settings: { outboxClaimMs: 30_000 } });
  return { fake, world, port };
}

/** What a process that died mid-send leaves: the row claimed by it, its send started, the claim since lapsed. */
async function diedMidSend(w: TestWorld, key: string, startedAt: number) {
  await w.db
    .updateTable('outbox')
    .set({ claimed_by: 'dead', claimed_until: startedAt + 30_000, send_started_at: startedAt })
    .where('key', '=', key)
    .execute();
  w.clock.set(startedAt + 30_000);
}

describe('a send whose outcome was lost (Slack)', () => {
  it('every post carries its outbox key as message metadata', async () => {
    const { fake, world } = await slackWorld();
    const now = world.clock.now();
    await enqueue(world.db, { key: 'prompt:1:a', target: { channel: home }, reply: answer('Share a practice'), notBefore: now }, now);
    await enqueue(world.db, { key: 'reminder-dm:1:a', target: { user: ann }, reply: answer('Starts soon'), notBefore: now }, now);
    await deliverDue(world.services, { owner: 'only' });
    expect(fake.callsTo('chat.postMessage').map((call) => call.params.metadata)).toEqual([
      { event_type: 'weaver_outbox', event_payload: { key: 'prompt:1:a' } },
      { event_type: 'weaver_outbox', event_payload: { key: 'reminder-dm:1:a' } },
    ]);
  });

  it('is found in the channel history and marked sent, not posted again', async () => {
    const { fake, world, port } = await slackWorld();
    const now = world.clock.now();
    await enqueue(world.db, { key: 'prompt:1:a', target: { channel: home }, reply: answer('Share a practice'), notBefore: now }, now);
    // The dead process's post reached Slack; its answer never came back.
    const earlier = await port.postMessage(home, answer('Share a practice'), { idempotencyKey: 'prompt:1:a' });
    await diedMidSend(world, 'prompt:1:a', now);
    expect(await deliverDue(world.services, { owner: 'restarted' })).toMatchObject({ sent: 1 });
    expect(fake.history.get('C0HOME')).toHaveLength(1);
    expect(fake.callsTo('conversations.history').at(-1)!.params).toMatchObject({ channel: 'C0HOME', include_all_metadata: 'true' });
    expect(await world.db.selectFrom('outbox').select(['status', 'message_id', 'send_started_at']).executeTakeFirst()).toEqual({
      status: 'sent',
      message_id: earlier.messageId,
      send_started_at: null,
    });
  });

  it('a direct message is looked for in the DM conversation the same way', async () => {
    const { fake, world, port } = await slackWorld();
    const now = world.clock.now();
    await enqueue(world.db, { key: 'reminder-dm:1:a', target: { user: ann }, reply: answer('Starts soon'), notBefore: now }, now);
    await port.sendDirectMessage(ann, answer('Starts soon'), { idempotencyKey: 'reminder-dm:1:a' });
    await diedMidSend(world, 'reminder-dm:1:a', now);
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.callsTo('conversations.open').at(-1)!.params.users).toBe('U0ANN');
    expect(fake.history.get('DU0ANN')).toHaveLength(1);
    expect(await world.db.selectFrom('outbox').select('status').executeTakeFirst()).toEqual({ status: 'sent' });
  });

  it('a group introduction carries its key, and is looked for in the group DM', async () => {
    const { fake, world, port } = await slackWorld();
    const now = world.clock.now();
    const group = [ann, { ...ann, userId: 'U0BOB' }];
    await enqueue(world.db, { key: 'pair-intro:1:1', target: { group }, reply: answer('Meet each other'), notBefore: now }, now);
    await enqueue(world.db, { key: 'pair-intro:1:2', target: { group }, reply: answer('Meet again'), notBefore: now }, now);
    // The first introduction went out and its answer was lost; the second never reached Slack.
    const earlier = await port.openGroupConversation!(group, answer('Meet each other'), { idempotencyKey: 'pair-intro:1:1' });
    await diedMidSend(world, 'pair-intro:1:1', now);
    await diedMidSend(world, 'pair-intro:1:2', now);
    await deliverDue(world.services, { owner: 'restarted' });
    // Both go to the same people: the second waits its turn (about a message a second per conversation).
    world.clock.advance(1_000);
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.callsTo('conversations.open').at(-1)!.params.users).toBe('U0ANN,U0BOB');
    const mpim = earlier.conversationId!;
    expect(fake.callsTo('conversations.history').map((call) => call.params.channel)).toEqual([mpim, mpim]);
    expect(fake.history.get(mpim)!.map((m) => [m.text, m.metadata?.event_payload])).toEqual([
      ['Meet each other', { key: 'pair-intro:1:1' }],
      ['Meet again', { key: 'pair-intro:1:2' }],
    ]);
    expect(await world.db.selectFrom('outbox').select(['key', 'status', 'message_id']).orderBy('id').execute()).toEqual([
      { key: 'pair-intro:1:1', status: 'sent', message_id: earlier.messageId },
      { key: 'pair-intro:1:2', status: 'sent', message_id: fake.history.get(mpim)![1]!.ts },
    ]);
  });

  it('a thread reply is looked for in its thread', async () => {
    const { fake, world, port } = await slackWorld();
    const now = world.clock.now();
    const root = await port.postMessage(home, answer('A question?'));
    await enqueue(world.db, { key: 'harvest-hint:x', target: { channel: home }, threadOf: root.messageId, reply: answer('React ✅'), notBefore: now }, now);
    await port.postMessage(home, answer('React ✅'), { threadId: root.messageId, idempotencyKey: 'harvest-hint:x' });
    await diedMidSend(world, 'harvest-hint:x', now);
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.callsTo('conversations.replies').at(-1)!.params).toMatchObject({ ts: root.messageId });
    expect(fake.history.get('C0HOME')!.filter((m) => m.text === 'React ✅')).toHaveLength(1);
  });

  it('is sent when the history does not have it (the process died before the post reached Slack)', async () => {
    const { fake, world } = await slackWorld();
    const now = world.clock.now();
    await enqueue(world.db, { key: 'prompt:1:a', target: { channel: home }, reply: answer('Share a practice'), notBefore: now }, now);
    await diedMidSend(world, 'prompt:1:a', now);
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.history.get('C0HOME')).toHaveLength(1);
  });

  it('a row claimed but never started is sent without looking', async () => {
    const { fake, world } = await slackWorld();
    const now = world.clock.now();
    await enqueue(world.db, { key: 'prompt:1:a', target: { channel: home }, reply: answer('Share a practice'), notBefore: now }, now);
    await world.db
      .updateTable('outbox')
      .set({ claimed_by: 'dead', claimed_until: now + 30_000 })
      .execute();
    world.clock.advance(30_000);
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.callsTo('conversations.history')).toHaveLength(0);
    expect(fake.history.get('C0HOME')).toHaveLength(1);
  });

  it('waits, posting nothing, when the history cannot be read', async () => {
    const { fake, world } = await slackWorld();
    const now = world.clock.now();
    await enqueue(world.db, { key: 'prompt:1:a', target: { channel: home }, reply: answer('Share a practice'), notBefore: now }, now);
    await diedMidSend(world, 'prompt:1:a', now);
    fake.fail('conversations.history', { status: 429, retryAfter: 20 });
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.history.get('C0HOME')).toBeUndefined();
    const row = await world.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', send_started_at: now, next_attempt_at: world.clock.now() + 20_000 });
    world.clock.advance(20_000);
    await deliverDue(world.services, { owner: 'restarted' });
    expect(fake.history.get('C0HOME')).toHaveLength(1);
  });
});

describe('a send whose outcome was lost (Discord)', () => {
  it('is created with a nonce and enforce_nonce, so sending it again returns the first message', async () => {
    discord = await startWeaverOnFakeDiscord();
    const port = discord.weaver.services.platforms.get('discord')!;
    const channel: ChannelRef = { platform: 'discord', workspaceId: ids.guild, channelId: ids.homeChannel };
    const first = await port.postMessage(channel, answer('Share a practice'), { idempotencyKey: 'prompt:1:d' });
    const again = await port.postMessage(channel, answer('Share a practice'), { idempotencyKey: 'prompt:1:d' });
    const other = await port.postMessage(channel, answer('Share a practice'), { idempotencyKey: 'prompt:2:d' });
    expect(again.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    const creates = discord.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${ids.homeChannel}/messages`);
    expect(creates.map((c) => [typeof c.body.nonce, c.body.nonce.length <= 25, c.body.enforce_nonce])).toEqual([
      ['string', true, true],
      ['string', true, true],
      ['string', true, true],
    ]);
    expect(discord.fake.channels.get(ids.homeChannel)!.messages.filter((m) => m.content === 'Share a practice')).toHaveLength(2);
  });
});
