import { afterEach, describe, expect, it } from 'vitest';
import { createPairingWorld } from './world.js';

type World = Awaited<ReturnType<typeof createPairingWorld>>;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function optIn(w: World, person: string, line: string) {
  await w.run(person, 'join outreach');
  const reply = await w.run(person, `pair join outreach ${line}`);
  expect(reply.refusal).toBeUndefined();
}

describe('mentoring rounds', () => {
  it('pairs each mentee with the mentor whose about and shared practice match, and says why', async () => {
    world = await createPairingWorld();
    await optIn(world, 'mo', 'role:mentor about:"school partnerships and funding bids"');
    await optIn(world, 'max', 'role:mentor about:"robotics clubs"');
    // Max never wrote about evaluation in `about`, but shared practice about it: the knowledge search finds it.
    await world.run('max', 'share outreach Our evaluation of taster days: a short survey before and after, compared per school.');
    await optIn(world, 'pia', 'role:mentee about:"evaluation of taster days"');
    await optIn(world, 'raj', 'role:mentee about:"writing funding bids"');
    await world.run('ann', 'pair rhythm outreach weekly mon 09:00 mode:mentoring');
    const ran = await world.run('ann', 'pair now outreach');
    expect(ran.text).toContain('4 took part in 2 groups');

    const groupOf = (person: string) => world!.fake.groups.find((g) => g.users.includes(person))!;
    expect(groupOf('raj').users.sort()).toEqual(['mo', 'raj']);
    expect(groupOf('raj').text).toContain('Why you were matched: you both wrote about funding and bids.');
    expect(groupOf('pia').users.sort()).toEqual(['max', 'pia']);
    expect(groupOf('pia').text).toMatch(/Why you were matched: max has shared a practice about evaluation/);
    expect(groupOf('pia').text).toContain('@max (wider, mentor) — robotics clubs');
    expect(groupOf('pia').text).toContain('@pia (wider, mentee) — evaluation of taster days');
  });

  it('without mentors, mentees are grouped as peers: nobody is left out', async () => {
    world = await createPairingWorld();
    await optIn(world, 'pia', 'role:mentee about:"evaluation"');
    await optIn(world, 'raj', 'role:mentee');
    await optIn(world, 'sue', 'role:peer');
    await world.run('ann', 'pair rhythm outreach weekly mon 09:00 mode:mentoring');
    await world.run('ann', 'pair now outreach');
    expect(world.fake.groups.map((g) => g.users.sort())).toEqual([['pia', 'raj', 'sue']]);
  });
});
