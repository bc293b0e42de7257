import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackPort } from '../../adapters/slack/slack-port.js';
import { commands } from '../../src/commands/index.js';
import { executeText } from '../../src/commands/run.js';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import { inboundListeners } from '../../src/app/registry.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import type { ChannelRef } from '../../src/kernel/identity.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { fakeBot, fakeTeam, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { createTestWorld, silentLog, type TestWorld } from '../support/harness.js';
import { createRecordingPort, rateLimited } from '../support/recording-port.js';

const hour = 3_600_000;
const home: ChannelRef = { platform: 'slack', workspaceId: fakeTeam.id, channelId: 'C0HOME' };
let fake: FakeSlack | undefined;
let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  await fake?.close();
  world = fake = undefined;
});

function message(ts: string, user: string, text: string, threadTs?: string): InboundEvent {
  return {
    kind: 'message',
    message: {
      channel: home,
      messageId: ts,
      threadId: threadTs,
      author: { platform: 'slack', workspaceId: fakeTeam.id, userId: user },
      authorName: user.toLowerCase(),
      text,
      at: Math.round(Number(ts) * 1000),
    },
  };
}

/** Weaver's core with the real Slack port, on a fake Slack whose answers the test scripts. */
async function slackOnFake() {
  fake = await startFakeSlack({ users: [{ id: 'U0ASKER', name: 'asker' }], channels: [{ id: 'C0HOME', name: 'home', is_member: true }] });
  const client = new webApi.WebClient(fakeBot.token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const port = createSlackPort(client, { teamId: fakeTeam.id, url: fakeTeam.url, botUserId: fakeBot.userId }, silentLog);
  world = await createTestWorld({ ports: [port], now: '2026-11-23T10:00:00Z', harvestReminderDelayMs: 24 * hour });
  const community = (await createCommunity(world.db, { slug: 'outreach', name: 'Outreach', domain: 'Reaching out' }, world.clock.now()))!;
  await linkHomeChannel(world.db, community, { ...home, name: 'home' }, world.clock.now());
  return { fake, world, scheduler: createScheduler(world.services, { owner: 'only' }) };
}

const postsIn = (fake: FakeSlack, conversation: string, words: string) => (fake.history.get(conversation) ?? []).filter((m) => m.text.includes(words));

describe('one delivery path', () => {
  it('a harvest hint and an answer reminder, met by 429 then 200, are each delivered exactly once', async () => {
    const { fake, world, scheduler } = await slackOnFake();
    const root = '1795428000.000100';
    await handleInbound(world.services, inboundListeners, message(root, 'U0ASKER', 'Who has a spare projector?'));
    fake.fail('chat.postMessage', { status: 429, retryAfter: 30 });
    await handleInbound(world.services, inboundListeners, message('1795428060.000200', 'U0BOB', 'The library lends one.', root));
    // Slack said 429: the hint waits in the outbox for Retry-After, instead of being lost or sent twice.
    expect(postsIn(fake, 'C0HOME', 'react ✅')).toHaveLength(0);
    const hint = await world.db.selectFrom('outbox').selectAll().where('key', 'like', 'harvest-hint:%').executeTakeFirstOrThrow();
    expect(hint).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringContaining('rate limit'),
      next_attempt_at: world.clock.now() + 30_000,
    });
    await handleInbound(world.services, inboundListeners, message('1795428070.000300', 'U0CAT', 'So does the school.', root));
    world.clock.advance(30_000);
    await scheduler.tick();
    world.clock.advance(60_000);
    await scheduler.tick();
    const hints = postsIn(fake, 'C0HOME', 'react ✅');
    expect(hints).toHaveLength(1);
    expect(hints[0]!.thread_ts).toBe(root);

    fake.fail('chat.postMessage', { status: 429, retryAfter: 5 });
    world.clock.set(Math.round(1795428060.0002 * 1000) + 24 * hour);
    await scheduler.tick();
    expect(postsIn(fake, 'DU0ASKER', 'has replies')).toHaveLength(0);
    world.clock.advance(5_000);
    await scheduler.tick();
    world.clock.advance(60_000);
    await scheduler.tick();
    expect(postsIn(fake, 'DU0ASKER', 'has replies')).toHaveLength(1);
    expect(await world.db.selectFrom('outbox').select(['key', 'status', 'attempts']).where('key', 'like', 'harvest-%').orderBy('id').execute()).toEqual([
      { key: `harvest-hint:slack:${fakeTeam.id}:C0HOME:${root}`, status: 'sent', attempts: 2 },
      { key: `harvest-reminder:slack:${fakeTeam.id}:C0HOME:${root}`, status: 'sent', attempts: 2 },
    ]);
  });

  it('an ask is posted through the outbox at once, and answered with its link', async () => {
    const { fake, world } = await slackOnFake();
    const asker = { platform: 'slack' as const, workspaceId: fakeTeam.id, userId: 'U0ASKER' };
    const reply = await executeText(
      world.services,
      commands,
      { caller: { user: asker, name: 'asker', isPlatformAdmin: false }, channel: home },
      'ask outreach Where do we keep the banner?',
    );
    const posted = postsIn(fake, 'C0HOME', 'Where do we keep the banner?');
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(reply)).toContain(`archives/C0HOME/p${posted[0]!.ts.replace('.', '')}`);
    const row = await world.db.selectFrom('outbox').selectAll().where('key', 'like', 'ask:%').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', message_id: posted[0]!.ts, send_started_at: null });
  });
});

describe('forgetting', () => {
  it('removes the asker’s question and the notes about its thread from the outbox', async () => {
    const { world } = await slackOnFake();
    const asker = { platform: 'slack' as const, workspaceId: fakeTeam.id, userId: 'U0ASKER' };
    await executeText(
      world.services,
      commands,
      { caller: { user: asker, name: 'asker', isPlatformAdmin: false }, channel: home },
      'ask outreach Who lends projectors?',
    );
    const root = (await world.db.selectFrom('harvest_thread').select('root_message_id').executeTakeFirstOrThrow()).root_message_id;
    await handleInbound(world.services, inboundListeners, message(`${Number(root) + 60}.000200`, 'U0BOB', 'The library.', root));
    const keys = async () => (await world.db.selectFrom('outbox').select('key').orderBy('id').execute()).map((row) => row.key.split(':')[0]);
    expect(await keys()).toEqual(['ask', 'harvest-hint']);
    await executeText(world.services, commands, { caller: { user: asker, name: 'asker', isPlatformAdmin: false }, channel: home }, 'me forget confirm:yes');
    expect(await keys()).toEqual([]);
  });
});

describe('event-post edits', () => {
  it('a burst of RSVPs while the edit waits becomes one edit, with the latest counts', async () => {
    const fakePort = createRecordingPort('console');
    world = await createTestWorld({ ports: [fakePort.port], now: '2026-11-23T10:00:00Z' });
    await world.run('admin', 'create outreach Outreach');
    await world.run('admin', 'link outreach');
    await world.run('admin', 'event create outreach Debrief 2026-12-03 14:00');
    expect(fakePort.posts).toHaveLength(1);
    fakePort.script('update:#general', rateLimited(10_000));
    expect((await world.run('ann', 'rsvp 1')).text).toContain('You said yes');
    expect(fakePort.updates).toHaveLength(0);
    for (const person of ['bob', 'cat', 'dan', 'eve']) await world.run(person, 'rsvp 1 maybe');
    await world.run('ann', 'rsvp 1 no');
    expect(fakePort.updates).toHaveLength(0);
    const scheduler = createScheduler(world.services, { owner: 'only' });
    world.clock.advance(10_000);
    await scheduler.tick();
    expect(fakePort.updates).toHaveLength(1);
    expect(fakePort.updates[0]!.messageId).toBe(fakePort.posts[0]!.messageId);
    expect(fakePort.updates[0]!.reply.buttons.map((b) => b.label)).toEqual(['Yes (0)', 'Maybe (4)', 'No (1)']);
    // The next RSVP edits the post again, at once.
    await world.run('fay', 'rsvp 1');
    expect(fakePort.updates.map((u) => u.reply.buttons[0]!.label)).toEqual(['Yes (0)', 'Yes (1)']);
    // A delivered edit leaves no row behind.
    expect(await world.db.selectFrom('outbox').select(['kind', 'status']).where('kind', '=', 'edit').execute()).toEqual([]);
  });

  it('an edit whose content changed while it was being sent is sent once more, with the newest content', async () => {
    const fakePort = createRecordingPort('console');
    world = await createTestWorld({ ports: [fakePort.port], now: '2026-11-23T10:00:00Z' });
    await world.run('admin', 'create outreach Outreach');
    await world.run('admin', 'link outreach');
    await world.run('admin', 'event create outreach Debrief 2026-12-03 14:00');
    let release!: () => void;
    let entered!: () => void;
    const sending = new Promise<void>((resolve) => (entered = resolve));
    const original = fakePort.port.updateMessage.bind(fakePort.port);
    let first = true;
    fakePort.port.updateMessage = async (...args) => {
      if (first) {
        first = false;
        entered();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return original(...args);
    };
    const slow = world.run('ann', 'rsvp 1');
    // Bob answers while the edit carrying Ann's answer is on its way to the platform.
    await sending;
    await world.run('bob', 'rsvp 1');
    release();
    await slow;
    const scheduler = createScheduler(world.services, { owner: 'only' });
    world.clock.advance(1_000);
    await scheduler.tick();
    expect(fakePort.updates.at(-1)!.reply.buttons[0]!.label).toBe('Yes (2)');
  });
});
