import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blockActionsPayload, eventEnvelope, sendEvent, sendInteraction, sendSlashCommand, type SendOptions } from '../fakes/slack-requests.js';
import { people, rooms, startSlackWorld, type SlackWorld } from './slack-world.js';

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld();
});
afterAll(async () => world?.close());

const now = () => Math.floor(Date.now() / 1000);

// Each forgery is tried on a command that would change something if it ran.
const forgeries: [string, () => SendOptions][] = [
  ['a wrong signature', () => ({ signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000' })],
  ['no signature', () => ({ signature: null })],
  ['a signature made with another secret', () => ({ secret: 'not-the-signing-secret' })],
  ['a correctly signed timestamp six minutes old', () => ({ timestamp: now() - 6 * 60 })],
  ['a correctly signed timestamp six minutes ahead', () => ({ timestamp: now() + 6 * 60 })],
];

async function snapshot() {
  const communities = await world.weaver.services.db.selectFrom('community').select('slug').execute();
  const members = await world.weaver.services.db.selectFrom('member').select('user_id').execute();
  return { communities, members, calls: world.fake.calls.length, responses: world.fake.responses.length };
}

describe('requests that are not from Slack', () => {
  test.each(forgeries)('a slash command with %s gets 401 and changes nothing', async (_name, options) => {
    const before = await snapshot();
    const responseUrl = world.fake.newResponseUrl();
    const fields = {
      text: 'create forged Forged',
      userId: people.admin.id,
      userName: people.admin.name,
      channelId: rooms.general.id,
      responseUrl: responseUrl.url,
    };
    const response = await sendSlashCommand(world.requestUrl, fields, options());
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  test.each(forgeries)('a button click with %s gets 401 and changes nothing', async (_name, options) => {
    const before = await snapshot();
    const who = { userId: people.ann.id, channelId: rooms.general.id, responseUrl: world.fake.newResponseUrl().url };
    const response = await sendInteraction(world.requestUrl, blockActionsPayload(who, { action_id: 'cop_button_0', value: 'create forged Forged' }), options());
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  test.each(forgeries)('an event with %s gets 401', async (_name, options) => {
    const before = await snapshot();
    const event = { type: 'message', channel: rooms.general.id, user: people.ann.id, text: 'hello', ts: '1763892000.000100', channel_type: 'channel' };
    const response = await sendEvent(world.requestUrl, eventEnvelope(event, 'Ev0FORGED'), options());
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  test('the same request correctly signed does run', async () => {
    const sent = await world.cop(people.admin, 'create genuine Genuine');
    expect(sent.ack.status).toBe(200);
    await sent.answer();
    expect((await snapshot()).communities).toEqual([{ slug: 'genuine' }]);
  });

  test('Slack’s URL verification challenge is answered', async () => {
    const response = await sendEvent(world.requestUrl, { token: 'x', challenge: 'c-123', type: 'url_verification' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'c-123' });
  });
});
