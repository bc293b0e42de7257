import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { fakeBot, type ApiCall } from '../fakes/slack-api.js';
import { people, rooms, startSlackWorld, textOf, type SlackBlock, type SlackWorld } from '../slack/slack-world.js';

// Peer exchange through the real Bolt app against the fake Web API: the introduction is a group DM opened with
// conversations.open, and its buttons answer as the person who clicks.

const clock = manualClock('2026-11-30T10:00:00Z');
let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ clock });
});
afterAll(async () => world?.close());
beforeEach(async () => {
  clock.set('2026-11-30T10:00:00Z');
  await world.reset();
});

/** Given: outreach, with bob its coordinator and #general its home channel, and these people in its peer exchange. */
async function givenPeerExchange(...persons: { id: string; name: string }[]) {
  await world.ask(people.admin, 'create outreach "STEM Outreach"');
  await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>');
  await world.cop(people.bob, 'link outreach', home);
  await world.fake.waitForCall('chat.postMessage', (call) => textOf(call).includes('is now the home channel'));
  await world.idle();
  for (const person of persons) {
    await world.ask(person, 'join outreach');
    expect(textOf(await world.ask(person, 'pair join outreach about:"evaluation"'))).toContain('You are in the STEM Outreach peer exchange');
  }
}

const home = rooms.general;
const db = () => world.weaver.services.db;

function buttonsIn(call: ApiCall): { action_id: string; value: string; text: string }[] {
  return ((call.params.blocks ?? []) as SlackBlock[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? [])
    .map((element) => ({ action_id: element.action_id ?? '', value: element.value ?? '', text: element.text?.text ?? '' }));
}

describe('peer exchange on Slack', () => {
  test('the app asks for mpim:write, the scope conversations.open needs for a group DM', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    expect(manifest.oauth_config.scopes.bot).toContain('mpim:write');
  });

  test('pair now opens a group DM with the pair and posts the introduction there; a click answers it', async () => {
    await givenPeerExchange(people.ann, people.carol);
    expect(textOf(await world.ask(people.bob, 'pair now outreach'))).toContain('2 took part in 1 group; 1 introduction sent');

    const opened = await world.fake.waitForAnswered('conversations.open', () => true);
    expect(String(opened.params.users).split(',').sort()).toEqual([people.ann.id, people.carol.id].sort());
    const mpim = String((opened.answer.channel as { id: string }).id);
    expect(world.fake.groupDms.get(mpim)).toEqual([people.ann.id, people.carol.id, fakeBot.userId].sort());
    const intro = await world.fake.waitForAnswered('chat.postMessage', (call) => call.params.channel === mpim);
    expect(JSON.stringify(intro.params.blocks)).toContain(`<@${people.ann.id}>`);
    expect(textOf(intro)).toContain('meet each other');
    const buttons = buttonsIn(intro);
    expect(buttons.map((b) => b.text)).toEqual(['We met', 'Not this time']);

    const room = { id: mpim, name: 'mpdm-ann--carol--weaver-1' };
    const clicked = await world.click(people.carol, buttons[0]!, room, { ts: String(intro.answer.ts), text: textOf(intro), blocks: intro.params.blocks });
    expect(clicked.ack.status).toBe(200);
    expect(textOf(await clicked.answer())).toContain('Glad you met!');
    const groups = await db().selectFrom('pair_group').select(['outcome']).execute();
    expect(groups).toEqual([{ outcome: 'met' }]);
  });

  test('halfway to the next round, a group that has not answered is reminded in its group DM', async () => {
    await givenPeerExchange(people.ann, people.carol);
    await world.ask(people.bob, 'pair rhythm outreach weekly mon 09:00');
    const scheduler = createScheduler(world.weaver.services, { owner: 'test-pairing' });
    try {
      clock.set('2026-12-07T09:00:00Z');
      await scheduler.tick();
      const opened = await world.fake.waitForAnswered('conversations.open', () => true);
      const mpim = String((opened.answer.channel as { id: string }).id);
      await world.fake.waitForCall('chat.postMessage', (call) => call.params.channel === mpim && textOf(call).includes('meet each other'));
      clock.set('2026-12-10T20:59:00Z');
      await scheduler.tick();
      expect(world.fake.callsTo('chat.postMessage').filter((call) => textOf(call).includes('Halfway'))).toHaveLength(0);
      clock.set('2026-12-10T21:00:00Z');
      await scheduler.tick();
      clock.set('2026-12-11T09:00:00Z');
      await scheduler.tick();
      const reminders = world.fake.callsTo('chat.postMessage').filter((call) => textOf(call).includes('Halfway'));
      expect(reminders.map((call) => call.params.channel)).toEqual([mpim]);
      expect(buttonsIn(reminders[0]!).map((b) => b.text)).toEqual(['We met', 'Not this time']);
    } finally {
      await scheduler.stop();
    }
  });
});
