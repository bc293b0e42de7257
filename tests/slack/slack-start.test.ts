import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { testSigningSecret } from '../fakes/slack-requests.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => fake?.close());

function slackConfig(env: Record<string, string>) {
  const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath(), PORT: '0', SLACK_API_URL: fake.apiUrl, ...env });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.config;
}

describe('starting Slack', () => {
  test('a token Slack refuses stops the start with a clear message', async () => {
    const config = slackConfig({ SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_SIGNING_SECRET: testSigningSecret });
    await expect(startWeaver(config, { log: silentLog })).rejects.toThrow(
      "Slack refused SLACK_BOT_TOKEN (auth.test: invalid_auth); copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.",
    );
  });

  test('a Web API that cannot be reached stops the start naming SLACK_API_URL', async () => {
    const closed = await startFakeSlack();
    await closed.close();
    const loaded = loadConfig({
      DATABASE_PATH: tempDatabasePath(),
      PORT: '0',
      SLACK_API_URL: closed.apiUrl,
      SLACK_BOT_TOKEN: 'xoxb-fake-token',
      SLACK_SIGNING_SECRET: testSigningSecret,
    });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    await expect(startWeaver(loaded.config, { log: silentLog })).rejects.toThrow(
      /Cannot reach Slack's Web API at http:\/\/127\.0\.0\.1:\d+\/api\/ .*check SLACK_API_URL/,
    );
  });

  test('settings: Slack over HTTP needs the signing secret; Socket Mode needs an xapp- token', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatchObject({ ok: false, errors: [expect.stringContaining('SLACK_SIGNING_SECRET is required')] });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('SLACK_APP_TOKEN must be an app-level token')],
    });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A-1-x' })).toMatchObject({
      ok: true,
      config: { slack: { appToken: 'xapp-1-A-1-x' } },
    });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api' })).toMatchObject({ ok: false });
  });
});
