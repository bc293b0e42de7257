import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildInvocation, createAdminLookup } from '../../adapters/slack/caller.js';
import { manualClock } from '../../src/kernel/clock.js';
import { fakeBot, startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { silentLog } from '../support/harness.js';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({
    users: [
      { id: 'U0ADA', name: 'ada', is_admin: true },
      { id: 'U0OLU', name: 'olu', is_owner: true },
      { id: 'U0ANN', name: 'ann' },
    ],
  });
});
afterAll(async () => fake?.close());

function lookup() {
  const clock = manualClock('2026-11-23T10:00:00Z');
  const client = new webApi.WebClient(fakeBot.token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  return { clock, isWorkspaceAdmin: createAdminLookup(client, clock, silentLog) };
}

const callsFor = (user: string) => fake.callsTo('users.info').filter((call) => call.params.user === user).length;

describe('who counts as a Slack admin', () => {
  test('workspace admins and owners do, members do not', async () => {
    const { isWorkspaceAdmin } = lookup();
    expect(await isWorkspaceAdmin('T0WEAVER', 'U0ADA')).toBe(true);
    expect(await isWorkspaceAdmin('T0WEAVER', 'U0OLU')).toBe(true);
    expect(await isWorkspaceAdmin('T0WEAVER', 'U0ANN')).toBe(false);
  });

  test('the answer is remembered for five minutes, then asked again', async () => {
    const { clock, isWorkspaceAdmin } = lookup();
    const before = callsFor('U0ADA');
    await isWorkspaceAdmin('T0WEAVER', 'U0ADA');
    clock.advance(4 * 60_000);
    await isWorkspaceAdmin('T0WEAVER', 'U0ADA');
    expect(callsFor('U0ADA') - before).toBe(1);
    clock.advance(2 * 60_000);
    await isWorkspaceAdmin('T0WEAVER', 'U0ADA');
    expect(callsFor('U0ADA') - before).toBe(2);
  });

  test('a failed users.info counts as not an admin and is not remembered', async () => {
    const { isWorkspaceAdmin } = lookup();
    fake.fail('users.info', { status: 429, retryAfter: 5 });
    expect(await isWorkspaceAdmin('T0WEAVER', 'U0ADA')).toBe(false);
    expect(await isWorkspaceAdmin('T0WEAVER', 'U0ADA')).toBe(true);
  });

  test('a direct message has no channel; a channel is named', () => {
    expect(buildInvocation({ teamId: 'T1', userId: 'U1', channelId: 'D123', channelName: 'directmessage' }, false).channel).toBeUndefined();
    expect(buildInvocation({ teamId: 'T1', userId: 'U1', userName: 'ann', channelId: 'C123', channelName: 'general' }, true)).toEqual({
      caller: { user: { platform: 'slack', workspaceId: 'T1', userId: 'U1' }, name: 'ann', isPlatformAdmin: true },
      channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C123', name: 'general' },
    });
  });
});
