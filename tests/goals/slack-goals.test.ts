import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people, rooms, startSlackWorld, textOf, type SlackWorld } from '../slack/slack-world.js';

// Real Bolt over HTTP against the fake Slack Web API: /cop goal … is typed as command text.
let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld();
  // Ada (workspace admin) creates and links outreach in #general; Carol coordinates it; Ann is a member; Dave is not.
  await world.ask(people.admin, 'create outreach "STEM Outreach"');
  // The news of a link is posted in the channel itself, not answered through response_url.
  await world.cop(people.admin, 'link outreach');
  await world.fake.waitForCall('chat.postMessage', (call) => call.params.channel === rooms.general.id);
  await world.ask(people.admin, 'coordinator outreach <@U0CAROL|carol>');
  await world.ask(people.ann, 'join outreach');
});
afterAll(async () => world?.close());

async function addGoal(line: string): Promise<number> {
  const answer = textOf(await world.ask(people.carol, `goal add outreach ${line}`));
  const id = /Set goal #(\d+)/.exec(answer)?.[1];
  if (!id) throw new Error(`no goal id in: ${answer}`);
  return Number(id);
}

const celebrationsIn = (channel: { id: string }) =>
  world.fake.callsTo('chat.postMessage').filter((call) => call.params.channel === channel.id && String(call.params.text).includes('Goal reached'));

describe('/cop goal on Slack, through the real Bolt app', () => {
  it('goal add: coordinators only; Slack’s typographic quotes and options anywhere; the answer names the id', async () => {
    expect(textOf(await world.ask(people.ann, 'goal add outreach "Blog articles"'))).toBe('Only coordinators of outreach and admins can use /cop goal add.');
    const sent = await world.cop(people.carol, 'goal add outreach target:2 “Blog and newsletter articles” by:2027-11-30');
    expect(sent.ack.status).toBe(200);
    const answer = await sent.answer();
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(answer)).toMatch(/Set goal #\d+ for STEM Outreach: Blog and newsletter articles\. Now 0 of 2 \(0%\), by 2027-11-30, on track\./);
  });

  it('goal log: a member records progress; the note that reaches the target posts one celebration in #general', async () => {
    const goal = await addGoal('"A seminar and a funding bid" target:2');
    const first = textOf(await world.ask(people.ann, `goal log ${goal} Seminar held: https://events.example/seminar`));
    expect(first).toContain(`Logged on goal #${goal}, A seminar and a funding bid: now 1 of 2 (50%).`);
    expect(celebrationsIn(rooms.general)).toHaveLength(0);
    const second = textOf(await world.ask(people.ann, `goal log ${goal} Bid sent count:1`));
    expect(second).toContain('now 2 of 2 (100%). Target reached! 🎉');
    const posted = await world.fake.waitForCall('chat.postMessage', (call) => String(call.params.text).includes(`#${goal} A seminar and a funding bid`));
    expect(posted.params.channel).toBe(rooms.general.id);
    await world.ask(people.ann, `goal log ${goal} A second bid`);
    await world.idle();
    expect(celebrationsIn(rooms.general).filter((call) => String(call.params.text).includes(`#${goal} `))).toHaveLength(1);
  });

  it('goal log: refused to someone outside the community, and on a measured goal', async () => {
    const manual = await addGoal('"A project delivered"');
    expect(textOf(await world.ask(people.dave, `goal log ${manual} Not mine`))).toBe(
      'Only members and coordinators of outreach can log progress on its goals; join with /cop join outreach.',
    );
    const measured = await addGoal('Recruit 40 members target:40 measure:members');
    expect(textOf(await world.ask(people.ann, `goal log ${measured} A friend`))).toContain(`Goal #${measured} counts itself`);
  });

  it('goal list: anyone sees progress, standing and the latest notes with names as mentions', async () => {
    const blog = await addGoal('Blog posts target:4 by:2027-11-30');
    await world.ask(people.ann, `goal log ${blog} Post on taster days count:2`);
    const answer = await world.ask(people.dave, 'goal list outreach');
    expect(textOf(answer)).toContain(`#${blog} Blog posts: 2 of 4 (50%), by 2027-11-30, on track`);
    expect(JSON.stringify(answer.body.blocks)).toContain('<@U0ANN> (+2): Post on taster days');
  });
});
