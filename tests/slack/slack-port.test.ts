import { webApi, type RespondFn } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deliverReply } from '../../adapters/slack/deliver.js';
import { claimEvent } from '../../adapters/slack/event-ids.js';
import { createSlackPort, inviteFirst } from '../../adapters/slack/slack-port.js';
import { DeliveryError, type PlatformPort } from '../../src/kernel/ports.js';
import { answer } from '../../src/kernel/reply.js';
import { openMigratedDatabase } from '../../src/storage/database.js';
import { fakeBot, fakeTeam, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

let fake: FakeSlack;
let client: webApi.WebClient;
let port: PlatformPort;
const workspace = { teamId: fakeTeam.id, url: fakeTeam.url, botUserId: fakeBot.userId, botId: fakeBot.botId };
const channel = (channelId: string) => ({ platform: 'slack', workspaceId: fakeTeam.id, channelId }) as const;

beforeAll(async () => {
  fake = await startFakeSlack({
    users: [{ id: 'U0ANN', name: 'ann' }],
    channels: [
      { id: 'C0HOME', name: 'home', is_member: true },
      { id: 'C0OPEN', name: 'open', is_member: false },
      { id: 'G0SECRET', name: 'secret', is_private: true },
      { id: 'G0INNER', name: 'inner', is_private: true, is_member: true },
    ],
  });
  client = new webApi.WebClient(fakeBot.token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  port = createSlackPort(client, workspace, silentLog);
});
afterAll(async () => fake?.close());

// What Bolt's respond() does: POST the message as JSON to the response_url.
function respondTo(url: string): RespondFn {
  return (message) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(typeof message === 'string' ? { text: message } : message),
    });
}

async function failureOf(action: () => Promise<unknown>): Promise<DeliveryError> {
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe('the Slack PlatformPort', () => {
  test('uploads a reply’s attachment after the message that names it, in the same channel and thread', async () => {
    const attachment = { filename: 'outreach-2026-11-23.md', content: '# STEM Outreach\n', mimeType: 'text/markdown' };
    await port.postMessage(channel('C0HOME'), answer('The export:', { attachment, visibility: 'channel' }), { threadId: '1763891000.000001' });
    const complete = await fake.waitForCall('files.completeUploadExternal');
    expect(complete.params).toMatchObject({ channel_id: 'C0HOME', thread_ts: '1763891000.000001' });
    expect(fake.callsTo('files.getUploadURLExternal').at(-1)!.params).toMatchObject({ filename: 'outreach-2026-11-23.md' });
    expect(fake.uploads.at(-1)!.content).toContain('# STEM Outreach');
    expect(fake.callsTo('chat.postMessage').at(-1)!.seq).toBeLessThan(complete.seq);
  });

  test('posts Block Kit with a fallback text, in a thread when asked, and returns the ts and permalink', async () => {
    const posted = await port.postMessage(channel('C0HOME'), answer('What did you try this week?'), { threadId: '1763891000.000001' });
    const call = fake.callsTo('chat.postMessage').at(-1)!;
    expect(call.params).toMatchObject({ channel: 'C0HOME', text: 'What did you try this week?', thread_ts: '1763891000.000001' });
    expect(call.params.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'What did you try this week?' } }]);
    expect(posted).toEqual({
      messageId: expect.stringMatching(/^\d+\.\d+$/),
      permalink: `${fakeTeam.url}archives/C0HOME/p${posted.messageId.replace('.', '')}?thread_ts=1763891000.000001&cid=C0HOME`,
    });
  });

  test('updates a message and sends a direct message', async () => {
    await port.updateMessage(channel('C0HOME'), '1763892000.000002', answer('3 going'));
    expect(fake.callsTo('chat.update').at(-1)?.params).toMatchObject({ channel: 'C0HOME', ts: '1763892000.000002', text: '3 going' });
    const dm = await port.sendDirectMessage({ platform: 'slack', workspaceId: fakeTeam.id, userId: 'U0ANN' }, answer('Reminder'));
    expect(fake.callsTo('chat.postMessage').at(-1)?.params.channel).toBe('U0ANN');
    expect(dm.permalink).toContain('/archives/DU0ANN/p');
  });

  test('prepares a home channel: joins a public one, accepts a private one it is in, asks to be invited otherwise', async () => {
    expect(await port.prepareHomeChannel(channel('C0OPEN'))).toEqual({ ok: true, name: 'open' });
    expect(fake.callsTo('conversations.join').map((call) => call.params.channel)).toEqual(['C0OPEN']);
    expect(await port.prepareHomeChannel(channel('G0INNER'))).toEqual({ ok: true, name: 'inner' });
    expect(await port.prepareHomeChannel(channel('G0SECRET'))).toEqual({ ok: false, problem: inviteFirst });
  });

  test.each([
    ['an HTTP 429 may be retried after Retry-After', { status: 429, retryAfter: 12 }, { permanent: false, retryAfterMs: 12_000 }],
    ['ratelimited as ok:false may be retried', { error: 'ratelimited' }, { permanent: false }],
    ['a 5xx may be retried', { status: 503 }, { permanent: false }],
    ['channel_not_found is permanent', { error: 'channel_not_found' }, { permanent: true }],
    ['not_in_channel is permanent', { error: 'not_in_channel' }, { permanent: true }],
    ['is_archived is permanent', { error: 'is_archived' }, { permanent: true }],
    ['account_inactive is permanent', { error: 'account_inactive' }, { permanent: true }],
    ['invalid_auth is permanent', { error: 'invalid_auth' }, { permanent: true }],
    ['token_revoked is permanent', { error: 'token_revoked' }, { permanent: true }],
  ] as const)('a failed post becomes a DeliveryError: %s', async (_name, failure, expected) => {
    fake.fail('chat.postMessage', failure);
    const error = await failureOf(() => port.postMessage(channel('C0HOME'), answer('hello')));
    expect(error).toMatchObject(expected);
    expect(error.message).not.toContain(fakeBot.token);
  });

  test('a network failure may be retried', async () => {
    const unreachable = await startFakeSlack();
    await unreachable.close();
    const offline = createSlackPort(
      new webApi.WebClient(fakeBot.token, { slackApiUrl: unreachable.apiUrl, retryConfig: { retries: 0 } }),
      workspace,
      silentLog,
    );
    expect(await failureOf(() => offline.sendDirectMessage({ platform: 'slack', workspaceId: fakeTeam.id, userId: 'U0ANN' }, answer('x')))).toMatchObject({
      permanent: false,
    });
  });
});

describe('attachments', () => {
  test('a personal reply’s file is uploaded to the person’s direct messages (files.uploadV2) and the answer says so', async () => {
    const responseUrl = fake.newResponseUrl();
    const respond = respondTo(responseUrl.url);
    const reply = answer('Here is the repertoire of outreach.', {
      attachment: { filename: 'outreach.md', content: '# Outreach\n\nTaster days', mimeType: 'text/markdown' },
    });
    await deliverReply({ client, log: silentLog, userId: 'U0ANN', channelId: 'C0HOME', respond }, reply);

    expect(fake.callsTo('conversations.open').at(-1)?.params.users).toBe('U0ANN');
    expect(fake.callsTo('files.getUploadURLExternal').at(-1)?.params).toMatchObject({ filename: 'outreach.md', length: '23' });
    expect(fake.uploads.at(-1)?.content).toContain('# Outreach\n\nTaster days');
    expect(fake.callsTo('files.completeUploadExternal').at(-1)?.params).toMatchObject({
      channel_id: 'DU0ANN',
      files: [{ id: expect.any(String), title: 'outreach.md' }],
    });
    const posted = await fake.waitForResponse(responseUrl.id);
    expect(posted.body.text).toBe('Here is the repertoire of outreach. outreach.md is in your direct messages with Weaver.\n\n(attached: outreach.md)');
  });

  test('a refused upload is told, not thrown', async () => {
    fake.fail('files.getUploadURLExternal', { error: 'missing_scope' });
    const responseUrl = fake.newResponseUrl();
    const respond = respondTo(responseUrl.url);
    await deliverReply(
      { client, log: silentLog, userId: 'U0ANN', channelId: 'C0HOME', respond },
      answer('Export ready.', { attachment: { filename: 'x.md', content: 'x', mimeType: 'text/markdown' } }),
    );
    expect((await fake.waitForResponse(responseUrl.id)).body.text).toContain('I could not attach x.md: Weaver’s Slack app lacks a permission it needs');
  });
});

describe('event ids', () => {
  test('an event id is claimed once, and forgotten after a day', async () => {
    const db = await openMigratedDatabase(tempDatabasePath());
    const t0 = Date.UTC(2026, 10, 23, 10);
    expect(await claimEvent(db, 'Ev1', t0)).toBe(true);
    expect(await claimEvent(db, 'Ev1', t0 + 60_000)).toBe(false);
    expect(await claimEvent(db, 'Ev2', t0 + 25 * 3600_000)).toBe(true);
    expect(await claimEvent(db, 'Ev1', t0 + 25 * 3600_000)).toBe(true);
    await db.destroy();
  });
});
