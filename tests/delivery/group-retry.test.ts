import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackPort } from '../../adapters/slack/slack-port.js';
import { deliverDue, enqueue, findOutboxRow } from '../../src/delivery/outbox.js';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import { answer } from '../../src/kernel/reply.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { ids } from '../fakes/discord-world.js';
import { fakeBot, fakeTeam, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestWorld, silentLog, type TestWorld } from '../support/harness.js';

// Found by the soak (npm run soak): a peer-exchange introduction whose answer was lost (a timeout, a reset, a kill) was
// sent again into a new conversation, so the group got it twice. Now the conversation is remembered before the post,
// and a retry goes there with the same key: looked for first on Slack, made idempotent by the nonce on Discord.

let fake: FakeSlack | undefined;
let world: TestWorld | undefined;
let discord: DiscordSession | undefined;
afterEach(async () => {
  await world?.close();
  await fake?.close();
  await discord?.stop();
  world = fake = discord = undefined;
});

/** What a process that died right after the post leaves: the row pending, claimed by it, its send started. */
async function diedAfterPosting(w: TestWorld, key: string) {
  const startedAt = w.clock.now();
  await w.db
    .updateTable('outbox')
    .set({ status: 'pending', sent_at: null, message_id: null, claimed_by: 'dead', claimed_until: startedAt + 30_000, send_started_at: startedAt })
    .where('key', '=', key)
    .execute();
  w.clock.set(startedAt + 30_000);
}

describe('a group introduction whose outcome was lost', () => {
  it('on Slack is looked for in the group DM it went to, and not posted again', async () => {
    fake = await startFakeSlack({
      users: [
        { id: 'U0ANN', name: 'ann' },
        { id: 'U0BOB', name: 'bob' },
      ],
      channels: [{ id: 'C0HOME', name: 'home', is_member: true }],
    });
    const client = new webApi.WebClient(fakeBot.token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const port = createSlackPort(client, { teamId: fakeTeam.id, url: fakeTeam.url, botUserId: fakeBot.userId }, silentLog);
    world = await createTestWorld({ ports: [port], now: new Date().toISOString(), settings: { outboxClaimMs: 30_000 } });
    const near: ChannelRef = { platform: 'slack', workspaceId: fakeTeam.id, channelId: 'C0HOME' };
    const group: UserRef[] = ['U0ANN', 'U0BOB'].map((userId) => ({ platform: 'slack', workspaceId: fakeTeam.id, userId }));
    const now = world.clock.now();
    await enqueue(world.db, { key: 'pair-intro:1', target: { group, near }, reply: answer('Meet each other'), notBefore: now }, now);
    await deliverDue(world.services, { owner: 'first' });
    const conversation = (await findOutboxRow(world.db, 'pair-intro:1'))!.conversation_id!;
    expect(fake.history.get(conversation)?.map((m) => m.metadata?.event_payload.key)).toEqual(['pair-intro:1']);

    await diedAfterPosting(world, 'pair-intro:1');
    await deliverDue(world.services, { owner: 'second' });
    expect(fake.history.get(conversation)).toHaveLength(1);
    expect(await findOutboxRow(world.db, 'pair-intro:1')).toMatchObject({ status: 'sent', conversation_id: conversation });
  });

  it('on Slack without the mpim:history scope (an install from before it) is sent again rather than held for a day', async () => {
    fake = await startFakeSlack({
      users: [
        { id: 'U0ANN', name: 'ann' },
        { id: 'U0BOB', name: 'bob' },
      ],
      channels: [{ id: 'C0HOME', name: 'home', is_member: true }],
    });
    const client = new webApi.WebClient(fakeBot.token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const port = createSlackPort(client, { teamId: fakeTeam.id, url: fakeTeam.url, botUserId: fakeBot.userId }, silentLog);
    world = await createTestWorld({ ports: [port], now: new Date().toISOString(), settings: { outboxClaimMs: 30_000 } });
    const near: ChannelRef = { platform: 'slack', workspaceId: fakeTeam.id, channelId: 'C0HOME' };
    const group: UserRef[] = ['U0ANN', 'U0BOB'].map((userId) => ({ platform: 'slack', workspaceId: fakeTeam.id, userId }));
    const now = world.clock.now();
    await enqueue(world.db, { key: 'pair-intro:3', target: { group, near }, reply: answer('Meet each other'), notBefore: now }, now);
    await deliverDue(world.services, { owner: 'first' });
    await diedAfterPosting(world, 'pair-intro:3');
    fake.fail('conversations.history', { error: 'missing_scope' });
    await deliverDue(world.services, { owner: 'second' });
    expect(await findOutboxRow(world.db, 'pair-intro:3')).toMatchObject({ status: 'sent' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('on Discord goes to the private thread it opened, where the nonce makes it the same post', async () => {
    discord = await startWeaverOnFakeDiscord();
    const services = discord.weaver.services;
    const near: ChannelRef = { platform: 'discord', workspaceId: ids.guild, channelId: ids.homeChannel };
    const group: UserRef[] = [ids.ann, ids.bob].map((userId) => ({ platform: 'discord', workspaceId: ids.guild, userId }));
    world = await createTestWorld({ ports: [services.platforms.get('discord')!], now: new Date().toISOString(), settings: { outboxClaimMs: 30_000 } });
    const now = world.clock.now();
    await enqueue(world.db, { key: 'pair-intro:2', target: { group, near }, reply: answer('Meet each other'), notBefore: now }, now);
    await deliverDue(world.services, { owner: 'first' });
    await diedAfterPosting(world, 'pair-intro:2');
    await deliverDue(world.services, { owner: 'second' });

    const threads = [...discord.fake.channels.values()].filter((c) => c.type === 12 && c.parent_id === ids.homeChannel);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.messages).toHaveLength(1);
    expect(await findOutboxRow(world.db, 'pair-intro:2')).toMatchObject({ status: 'sent', conversation_id: threads[0]!.id });
  });
});
