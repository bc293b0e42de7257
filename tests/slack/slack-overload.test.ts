import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { busyText } from '../../src/kernel/work.js';
import { eventEnvelope, sendEvent } from '../fakes/slack-requests.js';
import { people, rooms, startSlackWorld, textOf, type SlackWorld } from './slack-world.js';

// One command at a time and one waiting (events: two): a held users.info call keeps the first in its turn.
let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ workLimits: { concurrency: 1, maxWaiting: 1, maxWaitingEvents: 2 } });
});
afterAll(async () => world?.close());

describe('past the bound on waiting work', () => {
  test('a command is answered busy in its ack, at once; the ones in line are answered when their turn comes', async () => {
    const gate = world.fake.hold('users.info');
    const first = await world.cop(people.slow, 'mine');
    await gate.reached;
    const second = await world.cop(people.ann, 'help');
    const third = await world.cop(people.bob, 'mine');
    expect(first.ack.status).toBe(200);
    expect(second.ack.status).toBe(200);
    expect(await second.ack.text()).toBe('');
    expect(third.ack.status).toBe(200);
    expect(await third.ack.json()).toEqual({ response_type: 'ephemeral', text: busyText });

    // Events wait in a longer line; past it, one is refused before it is acknowledged, so that Slack delivers it again.
    const said = { type: 'message', channel: rooms.general.id, user: people.carol.id, text: 'Anyone?', ts: '1763892000.000100' };
    const reacted = {
      type: 'reaction_added',
      user: people.carol.id,
      reaction: 'wave',
      item: { type: 'message', channel: rooms.general.id, ts: '1763892000.000100' },
    };
    expect((await sendEvent(world.requestUrl, eventEnvelope(reacted, 'Ev0BUSY0000'))).status).toBe(200);
    expect((await sendEvent(world.requestUrl, eventEnvelope(said, 'Ev0BUSY0001'))).status).toBe(503);

    gate.release();
    expect(textOf(await first.answer())).toContain('You have not joined any community yet');
    expect(textOf(await second.answer())).toContain('/cop join <community>');
    await world.idle();
    expect(world.fake.responsesTo(third.responseId)).toEqual([]);
    expect((await sendEvent(world.requestUrl, eventEnvelope(said, 'Ev0BUSY0001'), { retryNum: 1 })).status).toBe(200);

    // Once the line has room, commands are answered as before.
    expect(textOf(await world.ask(people.bob, 'mine'))).toContain('You have not joined any community yet');
  });
});
