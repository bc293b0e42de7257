import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { fakeTeam } from '../fakes/slack-api.js';
import { people, rooms, startSlackWorld, textOf, type SlackWorld } from '../slack/slack-world.js';

// A bridge on Slack through the real Bolt app: ann's question in the schools home channel goes unanswered for a day;
// the note in its thread names bob, who shared practice in museums, and bob gets a direct message; he answers in the
// thread, ann marks it with ✅, and stats counts a bridged answer.

const clock = manualClock('2026-11-23T10:00:00Z');
let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ clock });
  await setUpNetwork();
});
afterAll(async () => world?.close());

const schoolsHome = rooms.general;
const museumsHome = rooms.outreach;
const question = { ts: '1795429000.000100', text: 'How do we keep volunteers coming back after their first visit?' };
const bobAnswer = { ts: '1795519000.000200', text: 'Share the rota a month ahead and thank each volunteer by name.' };

function said(user: { id: string }, channel: { id: string }, text: string, ts: string, threadTs?: string): Record<string, unknown> {
  return {
    type: 'message',
    channel: channel.id,
    channel_type: 'channel',
    user: user.id,
    team: fakeTeam.id,
    text,
    ts,
    event_ts: ts,
    ...(threadTs ? { thread_ts: threadTs, parent_user_id: people.ann.id } : {}),
  };
}

/** A network of two communities, each with its home channel; bob has shared practice about volunteers in museums. */
async function setUpNetwork(): Promise<void> {
  expect(textOf(await world.ask(people.weaverAdmin, 'create outreach-net "Outreach Network" kind:network'))).toContain('Created the network');
  await world.ask(people.weaverAdmin, 'create schools "School Partnerships"');
  await world.ask(people.weaverAdmin, 'create museums "Museum Nights"');
  expect(textOf(await world.ask(people.weaverAdmin, 'set schools network outreach-net'))).toContain('now in the Outreach Network network');
  await world.ask(people.weaverAdmin, 'set museums network outreach-net');
  for (const [slug, room] of [
    ['schools', schoolsHome],
    ['museums', museumsHome],
  ] as const) {
    expect((await world.cop(people.weaverAdmin, `link ${slug}`, room)).ack.status).toBe(200);
    await world.fake.waitForCall('chat.postMessage', (call) => call.params.channel === room.id && textOf(call).includes('is now the home channel'));
  }
  await world.ask(people.ann, 'join schools');
  await world.ask(people.bob, 'join museums');
  expect(textOf(await world.ask(people.bob, 'share museums Volunteers come back when the rota is shared a month ahead.'))).toContain('museums');
  await world.idle();
}

describe('a bridge on Slack, through the real Bolt app', () => {
  test('an unanswered question is bridged after a day to bob in another community, who answers; stats counts it', async () => {
    await world.event(said(people.ann, schoolsHome, question.text, question.ts));
    clock.set('2026-11-24T10:20:00Z');
    const report = await createScheduler(world.weaver.services, { owner: 'test' }).tick();
    expect(report.leader).toBe(true);
    const note = await world.fake.waitForCall('chat.postMessage', (call) => call.params.thread_ts === question.ts && textOf(call).includes('bridged'));
    expect(note.params.channel).toBe(schoolsHome.id);
    expect(JSON.stringify(note.params.blocks)).toContain(`<@${people.bob.id}> (Museum Nights)`);
    const dm = await world.fake.waitForCall('chat.postMessage', (call) => call.params.channel === people.bob.id);
    expect(textOf(dm)).toContain(question.text);
    expect(JSON.stringify(dm.params.blocks)).toContain(`archives/${schoolsHome.id}/p1795429000000100`);
    expect(world.fake.callsTo('chat.postMessage').filter((call) => call.params.channel === people.ann.id)).toEqual([]);

    await createScheduler(world.weaver.services, { owner: 'again' }).tick();
    clock.set('2026-11-24T12:00:00Z');
    await createScheduler(world.weaver.services, { owner: 'later' }).tick();
    expect(world.fake.callsTo('chat.postMessage').filter((call) => call.params.thread_ts === question.ts && textOf(call).includes('bridged'))).toHaveLength(1);
    expect(world.fake.callsTo('chat.postMessage').filter((call) => call.params.channel === people.bob.id)).toHaveLength(1);

    // Bob answers in the thread, ann marks it with ✅.
    await world.event(said(people.bob, schoolsHome, bobAnswer.text, bobAnswer.ts, question.ts));
    await world.event({
      type: 'reaction_added',
      user: people.ann.id,
      reaction: 'white_check_mark',
      item_user: people.bob.id,
      item: { type: 'message', channel: schoolsHome.id, ts: bobAnswer.ts },
      event_ts: '1795519100.000100',
    });
    await world.fake.waitForCall('chat.postMessage', (call) => call.params.thread_ts === question.ts && textOf(call).includes('thread is harvested'));
    const stats = textOf(await world.ask(people.ann, 'stats schools'));
    expect(stats).toContain('Bridged answers: 1 of 1 question bridged to other communities answered by someone the bridge named');
    expect(textOf(await world.ask(people.ann, 'stats outreach-net'))).toContain('Bridged answers: 1 of 1 question');
    expect(textOf(await world.ask(people.carol, 'search rota community:outreach-net'))).toContain('thank each volunteer by name');
  });
});
