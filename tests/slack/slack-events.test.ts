import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSlack, type SlackAdapter } from '../../adapters/slack/index.js';
import { manualClock } from '../../src/kernel/clock.js';
import { commands } from '../../src/commands/index.js';
import type { Services, InboundListener } from '../../src/storage/services.js';
import { createHttpServer, listen } from '../../src/app/http.js';
import type { InboundEvent } from '../../src/kernel/inbound.js';
import { answer } from '../../src/kernel/reply.js';
import { openMigratedDatabase, type Db } from '../../src/storage/database.js';
import { fakeBot, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { eventEnvelope, messageShortcutPayload, sendEvent, sendInteraction, testSigningSecret } from '../fakes/slack-requests.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

const general = 'C0GENERAL';
const heard: InboundEvent[] = [];

// Stands in for the core's listeners (harvesting, prompt replies): records every event, and answers two of them.
const recorder: InboundListener = async (_services, event) => {
  heard.push(event);
  if (event.kind === 'mark-answer') return answer('Harvested: the answer is stored.');
  if (event.kind === 'message' && event.message.text === 'please answer me') return answer('Noted, thank you.');
};

let fake: FakeSlack;
let db: Db;
let services: Services;
let slack: SlackAdapter;
let server: Server;
let requestUrl: string;

async function startAdapter(): Promise<void> {
  slack = await startSlack({
    config: { botToken: fakeBot.token, signingSecret: testSigningSecret, apiUrl: fake.apiUrl },
    services,
    commands,
    listeners: [recorder],
    log: silentLog,
    retries: 0,
  });
  server = createHttpServer(slack.routes, silentLog);
  requestUrl = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/slack/events`;
}

async function stopAdapter(): Promise<void> {
  await slack.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  fake = await startFakeSlack({ users: [{ id: 'U0ANN', name: 'ann' }], channels: [{ id: general, name: 'general', is_member: true }] });
  db = await openMigratedDatabase(tempDatabasePath());
  services = {
    db,
    clock: manualClock('2026-11-23T10:00:00Z'),
    log: silentLog,
    platforms: new Map(),
    settings: { admins: [], coreLimit: 1, defaultTimezone: 'UTC', harvestReminderDelayMs: 86_400_000 },
  };
  await startAdapter();
});
afterAll(async () => {
  await stopAdapter();
  await db.destroy();
  await fake.close();
});

let eventCounter = 0;
/** Delivers one event as Slack would and waits until Weaver has finished with it. */
async function deliver(event: Record<string, unknown>, eventId = `Ev${++eventCounter}`, retryNum?: number): Promise<InboundEvent[]> {
  const before = heard.length;
  const response = await sendEvent(requestUrl, eventEnvelope(event, eventId), { retryNum });
  expect(response.status).toBe(200);
  await slack.waitUntilIdle();
  return heard.slice(before);
}

const message = (fields: Record<string, unknown>) => ({ type: 'message', channel: general, channel_type: 'channel', event_ts: fields.ts, ...fields });

describe('Slack events reach the core as inbound events', () => {
  test('a message in a channel, with its author’s name from users.info and its permalink built from the workspace URL', async () => {
    expect(await deliver(message({ user: 'U0ANN', text: 'How do we reach schools?', ts: '1763892000.000100' }))).toEqual([
      {
        kind: 'message',
        message: {
          channel: { platform: 'slack', workspaceId: 'T0WEAVER', channelId: general },
          messageId: '1763892000.000100',
          threadId: undefined,
          author: { platform: 'slack', workspaceId: 'T0WEAVER', userId: 'U0ANN' },
          authorName: 'ann',
          text: 'How do we reach schools?',
          at: 1763892000000,
          permalink: 'https://weaver-test.slack.com/archives/C0GENERAL/p1763892000000100',
        },
      },
    ]);
  });

  test('message text is given back as typed: entities decoded, labelled links kept readable', async () => {
    const [event] = await deliver(message({ user: 'U0ANN', text: 'Tea &amp; cake &lt;3, see <https://example.org/guide|the guide>', ts: '1763892000.000150' }));
    expect(event).toMatchObject({ kind: 'message', message: { text: 'Tea & cake <3, see the guide (https://example.org/guide)' } });
  });

  test('a reply in a thread names its thread', async () => {
    const [event] = await deliver(message({ user: 'U0ANN', text: 'Try the library', ts: '1763892000.000200', thread_ts: '1763892000.000100' }));
    expect(event).toMatchObject({
      kind: 'message',
      message: {
        threadId: '1763892000.000100',
        permalink: 'https://weaver-test.slack.com/archives/C0GENERAL/p1763892000000200?thread_ts=1763892000.000100&cid=C0GENERAL',
      },
    });
  });

  test('an edit, a deletion and a ✅ reaction', async () => {
    const edit = message({
      subtype: 'message_changed',
      hidden: true,
      ts: '1763892100.000001',
      message: { type: 'message', user: 'U0ANN', text: 'Try the town library', ts: '1763892000.000200', edited: { user: 'U0ANN', ts: '1763892100.000000' } },
      previous_message: { type: 'message', user: 'U0ANN', text: 'Try the library', ts: '1763892000.000200' },
    });
    expect(await deliver(edit)).toEqual([
      {
        kind: 'edited',
        channel: { platform: 'slack', workspaceId: 'T0WEAVER', channelId: general },
        messageId: '1763892000.000200',
        text: 'Try the town library',
        at: 1763892100000,
      },
    ]);
    const deletion = message({ subtype: 'message_deleted', hidden: true, ts: '1763892200.000001', deleted_ts: '1763892000.000200' });
    expect(await deliver(deletion)).toEqual([
      { kind: 'deleted', channel: { platform: 'slack', workspaceId: 'T0WEAVER', channelId: general }, messageId: '1763892000.000200' },
    ]);
    // A thread's parent deleted while it has replies: Slack sends a tombstone edit, never message_deleted.
    const tombstone = message({
      subtype: 'message_changed',
      hidden: true,
      ts: '1763892250.000001',
      message: {
        type: 'message',
        subtype: 'tombstone',
        text: 'This message was deleted.',
        ts: '1763892000.000100',
        thread_ts: '1763892000.000100',
        reply_count: 2,
      },
    });
    expect(await deliver(tombstone)).toEqual([
      { kind: 'deleted', channel: { platform: 'slack', workspaceId: 'T0WEAVER', channelId: general }, messageId: '1763892000.000100' },
    ]);
    const reaction = {
      type: 'reaction_added',
      user: 'U0ANN',
      reaction: 'white_check_mark',
      item_user: 'U0BOB',
      item: { type: 'message', channel: general, ts: '1763892000.000300' },
      event_ts: '1763892300.000100',
    };
    expect(await deliver(reaction)).toEqual([
      {
        kind: 'reaction',
        channel: { platform: 'slack', workspaceId: 'T0WEAVER', channelId: general },
        messageId: '1763892000.000300',
        user: { platform: 'slack', workspaceId: 'T0WEAVER', userId: 'U0ANN' },
        emoji: 'white_check_mark',
        at: 1763892300000,
      },
    ]);
  });

  test('the bot’s own posts, other bots and channel notices are not conversation', async () => {
    expect(await deliver(message({ user: fakeBot.userId, bot_id: fakeBot.botId, text: 'What did you try this week?', ts: '1763892400.000001' }))).toEqual([]);
    expect(await deliver(message({ subtype: 'bot_message', bot_id: 'B0OTHER', text: 'Build passed?', ts: '1763892400.000002' }))).toEqual([]);
    expect(await deliver(message({ subtype: 'channel_join', user: 'U0ANN', text: '<@U0ANN> has joined the channel', ts: '1763892400.000003' }))).toEqual([]);
    const botEdit = message({
      subtype: 'message_changed',
      ts: '1763892400.000004',
      message: { type: 'message', user: fakeBot.userId, bot_id: fakeBot.botId, text: 'edited?', ts: '1763892400.000001' },
    });
    expect(await deliver(botEdit)).toEqual([]);
  });

  test('a redelivered event is a no-op, even after a restart', async () => {
    const event = message({ user: 'U0ANN', text: 'Once only', ts: '1763892500.000001' });
    expect(await deliver(event, 'Ev0ONCE')).toHaveLength(1);
    expect(await deliver(event, 'Ev0ONCE', 1)).toEqual([]);
    await stopAdapter();
    await startAdapter();
    expect(await deliver(event, 'Ev0ONCE', 2)).toEqual([]);
  });

  test('a listener’s answer reaches the author alone, in the thread', async () => {
    await deliver(message({ user: 'U0ANN', text: 'please answer me', ts: '1763892600.000002', thread_ts: '1763892600.000001' }));
    const ephemeral = await fake.waitForCall('chat.postEphemeral', (call) => call.params.user === 'U0ANN');
    expect(ephemeral.params).toMatchObject({ channel: general, thread_ts: '1763892600.000001', text: 'Noted, thank you.' });
  });

  test('the Harvest answer shortcut becomes a mark-answer event, and its answer is shown to the one who used it', async () => {
    const responseUrl = fake.newResponseUrl();
    const who = { userId: 'U0ANN', channelId: general, responseUrl: responseUrl.url };
    const response = await sendInteraction(
      requestUrl,
      messageShortcutPayload(who, { ts: '1763892000.000200', user: 'U0BOB', text: 'Try the library', thread_ts: '1763892000.000100' }),
    );
    expect(response.status).toBe(200);
    const posted = await fake.waitForResponse(responseUrl.id);
    expect(posted.body).toMatchObject({ response_type: 'ephemeral', text: 'Harvested: the answer is stored.' });
    expect(heard.at(-1)).toEqual({
      kind: 'mark-answer',
      channel: { platform: 'slack', workspaceId: 'T0WEAVER', channelId: general },
      messageId: '1763892000.000200',
      threadId: '1763892000.000100',
      user: { platform: 'slack', workspaceId: 'T0WEAVER', userId: 'U0ANN' },
      at: services.clock.now(),
    });
  });
});
