import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver, type RunningWeaver } from '../../src/app/start.js';
import { fakeBot, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { blockActionsPayload } from '../fakes/slack-requests.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

let fake: FakeSlack;
let weaver: RunningWeaver;

beforeAll(async () => {
  fake = await startFakeSlack({ users: [{ id: 'U0ANN', name: 'ann' }], channels: [{ id: 'C0GENERAL', name: 'general', is_member: true }] });
  const loaded = loadConfig({
    DATABASE_PATH: tempDatabasePath(),
    PORT: '0',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_APP_TOKEN: fakeBot.appToken,
    SLACK_API_URL: fake.apiUrl,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  weaver = await startWeaver(loaded.config, { log: silentLog });
});
afterAll(async () => {
  await weaver?.stop();
  await fake?.close();
});

test('in Socket Mode the app connects with the app-level token, and the HTTP server keeps only /healthz', async () => {
  await fake.socketMode.connected();
  expect(fake.callsTo('apps.connections.open').map((call) => call.token)).toEqual([fakeBot.appToken]);
  expect((await fetch(`http://127.0.0.1:${weaver.httpPort}/healthz`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${weaver.httpPort}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
});

test('a slash command envelope is acked over the socket, then answered through response_url', async () => {
  const responseUrl = fake.newResponseUrl();
  const ack = await fake.socketMode.send('slash_commands', {
    token: 'deprecated',
    team_id: 'T0WEAVER',
    team_domain: 'weaver-test',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0ANN',
    user_name: 'ann',
    command: '/cop',
    text: 'help join',
    api_app_id: 'A0WEAVER',
    is_enterprise_install: 'false',
    response_url: responseUrl.url,
    trigger_id: '1.2.3',
  });
  expect(ack).toMatchObject({ envelope_id: expect.any(String) });
  const answer = await fake.waitForResponse(responseUrl.id);
  expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
  expect(String(answer.body.text)).toContain('/cop join <community> [tier:core|wider]');
});

test('a button click envelope runs the button’s command as the clicker', async () => {
  const responseUrl = fake.newResponseUrl();
  const payload = blockActionsPayload({ userId: 'U0ANN', channelId: 'C0GENERAL', responseUrl: responseUrl.url }, { action_id: 'cop_button_0', value: 'mine' });
  await fake.socketMode.send('interactive', payload);
  expect(String((await fake.waitForResponse(responseUrl.id)).body.text)).toContain('You have not joined any community yet');
});

test('an app-level token Slack refuses stops the start with a clear message', async () => {
  const loaded = loadConfig({
    DATABASE_PATH: tempDatabasePath(),
    PORT: '0',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_APP_TOKEN: 'xapp-1-A0WEAVER-1-revoked',
    SLACK_API_URL: fake.apiUrl,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  await expect(startWeaver(loaded.config, { log: silentLog })).rejects.toThrow(
    "Slack refused SLACK_APP_TOKEN (apps.connections.open: invalid_auth); create an App-Level Token (xapp-…) with connections:write on the app's Basic Information page.",
  );
});
