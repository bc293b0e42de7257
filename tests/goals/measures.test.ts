import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { addGoal, createGoalWorld, expectOk, goalLineOf, harvestOne, type GoalWorld } from './support.js';

let world: GoalWorld;
afterEach(async () => world?.close());

describe('measured goals count what they say, from the moment the goal was set', () => {
  it('members: everyone who is a member now, core and wider, including those who joined before', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Recruit 5 members target:5 measure:members');
    expect(await goalLineOf(world, id)).toContain('2 of 5 (40%)');
    await expectOk(world, 'carol', 'join outreach');
    await expectOk(world, 'dave', 'join outreach tier:core');
    expect(await goalLineOf(world, id)).toContain('4 of 5 (80%)');
    await expectOk(world, 'ann', 'leave outreach');
    expect(await goalLineOf(world, id)).toContain('3 of 5 (60%)');
  });

  it('core: core members now only', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Grow the core target:3 measure:core');
    expect(await goalLineOf(world, id)).toContain('1 of 3 (33%)');
    await expectOk(world, 'ann', 'join outreach tier:core');
    await expectOk(world, 'carol', 'join outreach');
    expect(await goalLineOf(world, id)).toContain('2 of 3 (66%)');
  });

  it('practices: shared after the goal was set, not before', async () => {
    world = await createGoalWorld();
    await expectOk(world, 'ann', 'share outreach An old practice');
    world.clock.advance(60_000);
    const id = await addGoal(world, 'Share 3 practices target:3 measure:practices');
    expect(await goalLineOf(world, id)).toContain('0 of 3 (0%)');
    world.clock.advance(60_000);
    await expectOk(world, 'ann', 'share outreach Taster days work');
    await expectOk(world, 'bob', 'share outreach Ask the teachers first');
    expect(await goalLineOf(world, id)).toContain('2 of 3 (66%)');
  });

  it('answers: harvested after the goal was set, not before', async () => {
    world = await createGoalWorld();
    await harvestOne(world, world.community, 1);
    world.clock.advance(60_000);
    const id = await addGoal(world, 'Answer 2 questions target:2 measure:answers');
    expect(await goalLineOf(world, id)).toContain('0 of 2 (0%)');
    world.clock.advance(60_000);
    await harvestOne(world, world.community, 2);
    expect(await goalLineOf(world, id)).toContain('1 of 2 (50%)');
  });

  it('events: held (over) after the goal was set; planned, cancelled and earlier ones do not count', async () => {
    world = await createGoalWorld({ now: '2026-11-23T10:00:00Z' });
    await expectOk(world, 'cora', 'event create outreach "Old seminar" 2026-11-23 12:00');
    world.clock.set('2026-11-24T09:00:00Z');
    const id = await addGoal(world, 'Hold 2 seminars target:2 measure:events');
    await expectOk(world, 'cora', 'event create outreach Seminar 2026-11-25 14:00');
    await expectOk(world, 'cora', 'event create outreach "Cancelled one" 2026-11-25 16:00');
    await expectOk(world, 'cora', 'event cancel 3');
    expect(await goalLineOf(world, id)).toContain('0 of 2 (0%)');
    world.clock.set('2026-11-25T14:30:00Z');
    expect(await goalLineOf(world, id)).toContain('0 of 2 (0%)');
    world.clock.set('2026-11-25T18:00:00Z');
    expect(await goalLineOf(world, id)).toContain('1 of 2 (50%)');
  });

  it('never counts the same thing twice, however often it is read or the scheduler checks it', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Share 3 practices target:3 measure:practices');
    await expectOk(world, 'ann', 'share outreach One');
    const scheduler = createScheduler(world.services, { owner: 'only' });
    for (let i = 0; i < 3; i++) {
      await scheduler.tick();
      world.clock.advance(60_000);
      expect(await goalLineOf(world, id)).toContain('1 of 3 (33%)');
    }
  });
});

describe('manual goals count the notes logged against them', () => {
  it('counts 1 per note by default, and count:n when given', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Blog and newsletter articles target:4');
    const logged = await expectOk(world, 'ann', `goal log ${id} Blog post on outreach evaluation: https://blog.example/eval`);
    expect(logged.text).toContain(`Logged on goal #${id}`);
    expect(logged.text).toContain('now 1 of 4 (25%)');
    expect((await expectOk(world, 'bob', `goal log #${id} Two newsletter pieces count:2`)).text).toContain('now 3 of 4 (75%)');
    expect((await expectOk(world, 'ann', `goal log ${id} A draft, not counted yet count:0`)).text).toContain('now 3 of 4 (75%)');
    const line = await goalLineOf(world, id);
    expect(line).toContain('3 of 4 (75%)');
    const list = (await expectOk(world, 'ann', 'goal list outreach')).text;
    expect(list).toContain('@ann: Blog post on outreach evaluation: https://blog.example/eval');
    expect(list).toContain('@bob (+2): Two newsletter pieces');
  });

  it('a note on a measured goal is refused, saying why', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Recruit 40 members target:40 measure:members');
    const refused = await world.run('ann', `goal log ${id} I brought a friend`);
    expect(refused.refusal).toBe('GoalMeasured');
    expect(refused.text).toBe(
      `Goal #${id} counts itself (members now, core and wider), so nothing can be logged against it; notes go on goals counted by hand.`,
    );
  });

  it('bad input gets one sentence with the usage', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'One funding bid');
    expect((await world.run('ann', `goal log ${id} Bid sent count:-1`)).text).toContain('The count must be a whole number from 0 to 1000000.');
    expect((await world.run('ann', 'goal log 99 Something')).text).toContain('There is no goal #99');
    expect((await world.run('cora', 'goal add outreach Seminar target:0')).text).toContain('The target must be a whole number from 1');
    expect((await world.run('cora', 'goal add outreach Seminar measure:vibes')).text).toContain('Usage: /cop goal add <community> <text> [target:<n>]');
    expect((await world.run('cora', 'goal add outreach Seminar by:next-year')).text).toContain('is not a date; use YYYY-MM-DD');
  });
});
